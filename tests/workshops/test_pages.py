"""Who may do what on the workshop pages: self check-in in its window, only the facilitator ticks
others in, notes are sanitised, evaluations are anonymous; and the lists' query counts stay flat."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Role
from lms.shifts import services as shifts
from lms.workshops import actions, attendance, errors, evaluations, participants
from lms.workshops.models import ActionStatus
from tests.conftest import add_person
from tests.workshops.conftest import make_series, outbox_statements, verb

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def live(app, org):
    """A series whose first session started ten minutes ago; the next is in two weeks."""
    now = utcnow().replace(microsecond=0)
    with app.test_request_context():
        return make_series(
            org, starts=[now - timedelta(minutes=10), now + timedelta(weeks=2)], extra_staff=3
        )


def check_in_url(app, group, index=0) -> str:
    with app.app_context():
        session = group.session(index)
        return f"/workshops/sessions/{session.id}/check-in/{session.check_in_token}"


def attendance_url(group, index=0) -> str:
    return f"/workshops/units/{group.unit_id}/sessions/{group.session_ids[index]}/attendance"


def test_a_participant_checks_themselves_in_by_the_qr_link(app, org, client, live):
    client.sign_in(org.assistant)
    url = check_in_url(app, live)
    page = client.get(url)
    assert "Sjekk meg inn" in page.get_data(as_text=True)
    response = client.submit(url)
    assert response.status_code == 302
    with app.app_context():
        assert evaluations.has_attended(live.session(0), org.assistant)
        (statement,) = outbox_statements()
    assert verb(statement) == "attended"
    assert statement["actor"]["account"]["name"] == org.assistant.uuid
    mine = client.get("/workshops/").get_data(as_text=True)
    assert "Evaluer samlingen" in mine


def test_self_check_in_outside_the_window_is_refused_with_a_clear_message(app, org, client, live):
    client.sign_in(org.assistant)
    url = check_in_url(app, live, index=1)
    page = client.get(url).get_data(as_text=True)
    assert "Innsjekkingen har ikke åpnet ennå" in page
    response = client.submit(url)
    assert response.status_code == 422
    assert "Innsjekkingen har ikke åpnet ennå. Den åpner" in response.get_data(as_text=True)
    with app.app_context():
        assert not evaluations.has_attended(live.session(1), org.assistant)


def test_self_check_in_after_the_end_is_refused(app, org, live):
    with app.test_request_context():
        session = live.session(0)
        person = db.session.merge(org.assistant)
        with pytest.raises(errors.WorkshopError, match="Samlingen er over"):
            attendance.self_check_in(session, person, now=session.ends_at + timedelta(minutes=1))


def test_a_wrong_check_in_token_is_not_found(app, org, client, live):
    client.sign_in(org.assistant)
    response = client.get(f"/workshops/sessions/{live.session_ids[0]}/check-in/wrong")
    assert response.status_code == 404


def test_someone_outside_the_unit_cannot_check_in(app, org, client, live):
    client.sign_in(org.nurse)
    response = client.submit(check_in_url(app, live))
    assert response.status_code == 422
    assert "Denne serien er for ansatte i" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["assistant", "nurse", "manager", "outsider"])
def test_only_the_facilitator_can_tick_others_in(app, org, make_client, live, who):
    client = make_client()
    client.sign_in(getattr(org, who))
    other = live.people[1]
    response = client.submit(attendance_url(live), {"present": [str(other.id)]})
    assert response.status_code == 403
    assert client.get(attendance_url(live)).status_code == 403
    with app.app_context():
        assert not evaluations.has_attended(live.session(0), other)
        assert outbox_statements() == []


def test_the_facilitator_ticks_people_in(app, org, client, live):
    client.sign_in(org.facilitator)
    page = client.get(attendance_url(live)).get_data(as_text=True)
    assert 'type="checkbox" name="present"' in page
    response = client.submit(attendance_url(live), {"present": [str(p.id) for p in live.people[:2]]})
    assert response.status_code == 302
    with app.app_context():
        assert [evaluations.has_attended(live.session(0), p) for p in live.people] == [
            True,
            True,
            False,
            False,
        ]


def test_notes_and_actions_are_sanitised(app, org, client, live):
    client.sign_in(org.facilitator)
    url = f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[0]}/notes"
    response = client.submit(url, {"notes": "Vi snakket om **innlogging**.<script>alert('x')</script>"})
    assert response.status_code == 302
    action = {
        "action-text": "Låse skjermen <img src=x onerror=alert(1)>",
        "action-owner": str(org.facilitator.id),
        "action-due_on": "2026-10-01",
    }
    assert client.submit(url.replace("/notes", "/actions"), action).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "<script>alert" not in page  # the form shows the source escaped
    rendered = page[page.index("Slik er notatene lagret") :]
    assert "<strong>innlogging</strong>" in rendered
    assert "<script" not in rendered
    agenda = client.get(
        f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[1]}/agenda"
    ).get_data(as_text=True)
    assert "Låse skjermen &lt;img src=x onerror=alert(1)&gt;" in agenda
    assert "<img src=x" not in agenda and "<script>alert" not in agenda


def test_an_open_action_comes_back_at_the_next_session_until_it_is_done(
    app, org, client, live, make_client
):
    client.sign_in(org.facilitator)
    first = f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[0]}"
    second = f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[1]}"
    action = {
        "action-text": "Lapp ved PC-en om å låse skjermen",
        "action-owner": str(org.assistant.id),
        "action-due_on": "2026-10-01",
    }
    assert client.submit(f"{first}/actions", action).status_code == 302
    for page in (client.get(f"{second}/agenda"), client.get(f"{second}/notes")):
        text = page.get_data(as_text=True)
        assert "Åpne tiltak fra tidligere samlinger" in text
        assert "Lapp ved PC-en om å låse skjermen" in text
        assert f"Ansvarlig: {org.assistant.name}" in text
        assert "Frist: 1. oktober 2026" in text and "Åpen" in text
    with app.app_context():
        (agreed,) = actions.actions_of(live.session(0))
        assert (agreed.owner_id, agreed.due_on, agreed.status) == (
            org.assistant.id,
            date(2026, 10, 1),
            ActionStatus.OPEN,
        )
    owner = make_client()
    owner.sign_in(org.assistant)
    series_page = f"/workshops/series/{live.series_id}"
    assert "Lapp ved PC-en om å låse skjermen" in owner.get(series_page).get_data(as_text=True)
    done = client.submit(f"{second}/actions/{agreed.id}/status", {"status": "done"})
    assert done.status_code == 302
    assert "Lapp ved PC-en" not in client.get(f"{second}/agenda").get_data(as_text=True)
    assert "Lapp ved PC-en" not in owner.get(series_page).get_data(as_text=True)
    with app.app_context():
        assert actions.actions_of(live.session(0))[0].status is ActionStatus.DONE


def test_an_action_needs_an_owner_from_the_group(app, org, client, live):
    client.sign_in(org.facilitator)
    url = f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[0]}/actions"
    action = {"action-text": "Noe", "action-owner": str(org.outsider.id), "action-due_on": "2026-10-01"}
    response = client.submit(url, action)
    assert response.status_code == 422
    assert "Ikke et gyldig valg" in response.get_data(as_text=True) or "Not a valid choice" in (
        response.get_data(as_text=True)
    )
    with app.app_context():
        assert actions.actions_of(live.session(0)) == []


def test_only_the_facilitators_change_actions_and_the_forms_need_their_token(app, org, client, live):
    url = f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[0]}/actions"
    action = {"action-text": "Noe", "action-owner": str(org.assistant.id), "action-due_on": "2026-10-01"}
    client.sign_in(org.assistant)
    assert client.submit(url, action).status_code == 403
    assert client.submit(url.replace("/actions", "/cancel")).status_code == 403
    client.sign_in(org.facilitator)
    assert client.post(url, data=action).status_code == 400  # no CSRF token
    assert client.post(url.replace("/actions", "/cancel")).status_code == 400
    with app.app_context():
        assert actions.actions_of(live.session(0)) == []
        assert not live.session(0).cancelled


def evaluate(client, session_id, usefulness, takeaway, improve=""):
    return client.submit(
        f"/workshops/sessions/{session_id}/evaluation",
        {"usefulness": str(usefulness), "takeaway": takeaway, "improve": improve},
    )


def test_the_evaluation_is_anonymous_to_the_facilitator(app, org, make_client, live):
    facilitator = make_client()
    facilitator.sign_in(org.facilitator)
    people = live.people[:3]
    facilitator.submit(attendance_url(live), {"present": [str(p.id) for p in people]})
    url = f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[0]}/evaluations"
    answers = [(5, "Zebra-tips om passord", "Mer tid"), (4, "Alfa: lås skjermen", ""), (2, "", "")]
    for number, (person, answer) in enumerate(zip(people, answers, strict=True)):
        page = facilitator.get(url).get_data(as_text=True)
        if number < evaluations.MIN_EVALUATIONS_SHOWN:
            assert "Svarene vises når minst" in page
        client = make_client()
        client.sign_in(person)
        assert evaluate(client, live.session_ids[0], *answer).status_code == 302
        assert evaluate(client, live.session_ids[0], 1, "igjen").status_code == 302  # refused
    page = facilitator.get(url).get_data(as_text=True)
    assert "Snitt 3.7 av 5" in page or "Snitt 3,7 av 5" in page
    assert page.index("Alfa: lås skjermen") < page.index("Zebra-tips om passord")
    for person in people:
        assert person.name not in page
    with app.app_context():
        assert evaluations.evaluation_summary(live.session(0)).answers == 3


def test_only_those_who_attended_can_evaluate(app, org, client, live):
    client.sign_in(org.assistant)
    assert evaluate(client, live.session_ids[0], 4, "Hei").status_code == 404


def _roster(app, group, hours: dict[int, tuple[time, time]], days: int = 7) -> date:
    """Shifts for the group's people (by index) from tomorrow; returns tomorrow's local date."""
    tomorrow = datetime.now(OSLO).date() + timedelta(days=1)
    with app.app_context():
        for index, (start, end) in hours.items():
            person = db.session.merge(group.people[index])
            for n in range(days):
                shifts.add_shift(person, tomorrow + timedelta(days=n), start, end)
        db.session.commit()
    return tomorrow


def test_the_slot_finder_offers_coming_times_when_the_group_is_at_work_together(app, org, client):
    """A session tomorrow: no past time is offered, the overlap of day and evening shifts is."""
    tomorrow_noon = utcnow().replace(microsecond=0) + timedelta(days=1)
    with app.test_request_context():
        group = make_series(org, starts=[tomorrow_noon], extra_staff=3)
    day, evening = (time(7, 30), time(15, 30)), (time(14, 30), time(22, 30))
    tomorrow = _roster(app, group, {0: day, 1: day, 2: evening, 3: evening})
    client.sign_in(org.facilitator)
    url = f"/workshops/units/{group.unit_id}/sessions/{group.session_ids[0]}/slots"
    page = client.get(url).get_data(as_text=True)
    offered = [datetime.fromisoformat(s) for s in re.findall(r'<time datetime="([^"]+)">', page)[1:]]
    assert offered and all(moment > utcnow() for moment in offered)
    assert offered[0].astimezone(OSLO).strftime("%H:%M") == "14:30"
    assert "På jobb: 4 av 4" in page
    link = f"day={tomorrow.isoformat()}&amp;start=14:30&amp;end=15:30"
    assert link in page
    form = client.get(url.replace("/slots", "/edit?") + link.replace("&amp;", "&")).get_data(
        as_text=True
    )
    assert f'value="{tomorrow.isoformat()}"' in form
    assert 'value="14:30"' in form and 'value="15:30"' in form


def test_the_slot_finder_offers_nothing_in_the_rest_after_a_shift(app, org, client, live):
    tomorrow = _roster(app, live, {0: (time(14, 30), time(21, 30))}, days=14)
    client.sign_in(org.facilitator)
    url = f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[1]}/slots"
    page = client.get(url).get_data(as_text=True)
    offered = [datetime.fromisoformat(s) for s in re.findall(r'<time datetime="([^"]+)">', page)[1:]]
    assert offered
    for moment in offered:
        clock = moment.astimezone(OSLO)
        if tomorrow < clock.date() <= tomorrow + timedelta(days=14):
            assert clock.time() >= time(8, 30), "11 hours after the shift that ended at 21:30"


def test_the_door_page_shows_a_server_made_qr_code(app, org, client, live):
    client.sign_in(org.facilitator)
    door = client.get(f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[0]}/door")
    assert door.status_code == 200
    assert check_in_url(app, live) in door.get_data(as_text=True)
    svg = client.get(f"/workshops/units/{live.unit_id}/sessions/{live.session_ids[0]}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    assert b"<svg" in svg.data


def test_staff_sign_up_themselves_and_the_waiting_list_moves_up(app, org, make_client):
    now = utcnow()
    with app.test_request_context():
        group = make_series(org, starts=[now + timedelta(days=3)], extra_staff=0, capacity=2)
        newcomer = add_person("Ny Ansatt", "ny@testvik.no", db.session.merge(org.zone), Role.STAFF)
        late = add_person("Sen Ansatt", "sen@testvik.no", db.session.merge(org.zone), Role.STAFF)
        db.session.commit()
    first, second = make_client(), make_client()
    first.sign_in(newcomer)
    second.sign_in(late)
    assert first.submit(f"/workshops/series/{group.series_id}/sign-up").status_code == 302
    assert second.submit(f"/workshops/series/{group.series_id}/sign-up").status_code == 302
    with app.app_context():
        assert participants.participant_of(group.series(), late.id).status.value == "waiting"
    first.submit(f"/workshops/series/{group.series_id}/leave")
    with app.app_context():
        assert participants.participant_of(group.series(), late.id).status.value == "signed_up"


def test_the_overview_shows_who_has_not_been_reached(app, org, client, live):
    with app.test_request_context():
        add_person("Ikke Nådd", "ikke@testvik.no", db.session.merge(org.zone), Role.STAFF)
        db.session.commit()
    client.sign_in(org.facilitator)
    page = client.get(f"/workshops/units/{org.zone.id}/").get_data(as_text=True)
    reached_section = page[page.index("Ikke nådd ennå") :]
    assert "Ikke Nådd" in reached_section
    assert org.assistant.name not in reached_section


def test_invitations_are_all_or_nothing(app, org, client):
    now = utcnow()
    with app.test_request_context():
        group = make_series(org, starts=[now + timedelta(days=3)], extra_staff=0, capacity=2)
        for n in range(3):
            add_person(f"Flere {n}", f"flere{n}@testvik.no", db.session.merge(org.zone), Role.STAFF)
        db.session.commit()
    client.sign_in(org.facilitator)
    response = client.submit(
        f"/workshops/units/{org.zone.id}/series/{group.series_id}/invite",
        {"invite-unit": str(org.zone.id), "invite-role": "staff"},
    )
    assert response.status_code == 422
    assert "Ingen er invitert" in response.get_data(as_text=True)
    with app.app_context():
        assert participants.seats_taken(group.series()) == 1


def test_query_counts_do_not_grow_with_participants(app, org, make_client, count_queries):
    now = utcnow()
    with app.test_request_context():
        group = make_series(
            org,
            starts=[now - timedelta(minutes=5), now + timedelta(days=14)],
            extra_staff=1,
            capacity=20,
        )
        attendance.set_attendance(
            group.session(0), [p.id for p in group.people], db.session.merge(org.facilitator)
        )
        actions.add_action(group.session(0), "Første tiltak", group.people[0].id, date(2026, 10, 1))
        db.session.commit()
    leader, person = make_client(), make_client()
    leader.sign_in(org.facilitator)
    person.sign_in(org.assistant)
    pages = {
        "attendance": (leader, attendance_url(group)),
        "manage": (leader, f"/workshops/units/{org.zone.id}/series/{group.series_id}"),
        "mine": (person, "/workshops/"),
        "series": (person, f"/workshops/series/{group.series_id}"),
        "notes": (leader, attendance_url(group).replace("/attendance", "/notes")),
        "agenda": (leader, attendance_url(group, 1).replace("/attendance", "/agenda")),
        "next notes": (leader, attendance_url(group, 1).replace("/attendance", "/notes")),
        "slots": (leader, attendance_url(group, 1).replace("/attendance", "/slots")),
    }

    def measure() -> dict[str, int]:
        counts = {}
        for name, (client, url) in pages.items():
            with count_queries() as counted:
                assert client.get(url).status_code == 200
            counts[name] = counted.n
        return counts

    measure()
    small = measure()
    with app.test_request_context():
        zone = db.session.merge(org.zone)
        more = [add_person(f"Flere {n}", f"mange{n}@testvik.no", zone, Role.STAFF) for n in range(8)]
        series = group.series()
        participants.invite(series, more, db.session.merge(org.facilitator))
        attendance.set_attendance(
            group.session(0),
            [p.id for p in group.people + more],
            db.session.merge(org.facilitator),
        )
        for n, owner in enumerate(more):
            actions.add_action(group.session(0), f"Tiltak {n}", owner.id, date(2026, 10, 1))
        db.session.commit()
    assert measure() == small


def test_the_check_in_link_without_signing_in_shows_nothing_of_the_session(app, org, client, live):
    """The QR code's link, opened by someone not signed in: the sign-in page, whatever the token."""
    url = check_in_url(app, live)
    wrong = f"/workshops/sessions/{live.session_ids[0]}/check-in/wrong"
    for response in (client.get(url), client.submit(url), client.get(wrong)):
        assert response.status_code == 302 and response.location.startswith("/login")
        body = client.get(response.location).get_data(as_text=True)
        assert "Refleksjonsgruppe" not in body and "Møterommet" not in body
    with app.app_context():
        assert not evaluations.has_attended(live.session(0), org.assistant)


@pytest.mark.parametrize("who", ["outsider", "nurse", "manager"])
def test_the_check_in_link_in_the_hands_of_another_unit_shows_only_the_door_and_says_no(
    app, org, make_client, live, who
):
    """Staff and a manager of another unit (the ward is the zone's sibling; the kindergarten is in
    another service area) see what the door shows, are told at once they cannot check in, and see
    no one's name but their own."""
    client = make_client()
    person = getattr(org, who)
    client.sign_in(person)
    url = check_in_url(app, live)
    page = client.get(url).get_data(as_text=True)
    assert "Refleksjonsgruppe: digital hverdag" in page and "Møterommet, 2. etg." in page
    assert "Denne serien er for ansatte i Hjemmesykepleien sone Nord." in page
    assert "Sjekk meg inn" not in page
    for name in ["Aisha Assistent", "Frida Veileder", *(f"Ansatt {n}" for n in range(3))]:
        assert name not in page
    response = client.submit(url)
    assert response.status_code == 422
    assert "Denne serien er for ansatte i" in response.get_data(as_text=True)
    with app.app_context():
        assert not evaluations.has_attended(live.session(0), person)
        assert participants.participant_of(live.series(), person.id) is None
        assert outbox_statements() == []


def test_a_participant_at_the_door_sees_their_own_name_only(app, org, client, live):
    client.sign_in(org.assistant)
    page = client.get(check_in_url(app, live)).get_data(as_text=True)
    assert "Du sjekker inn som Aisha Assistent." in page
    for name in ["Frida Veileder", *(f"Ansatt {n}" for n in range(3))]:
        assert name not in page


def test_one_sessions_token_opens_no_other_session(app, org, client, live):
    client.sign_in(org.assistant)
    with app.app_context():
        first_token = live.session(0).check_in_token
    other_session = f"/workshops/sessions/{live.session_ids[1]}/check-in/{first_token}"
    assert client.get(other_session).status_code == 404
    assert client.submit(other_session).status_code == 404
    assert client.get(f"/workshops/sessions/{live.session_ids[0]}/check-in/ø").status_code == 404
