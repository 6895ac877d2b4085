"""A series of four sessions, run through the facilitator's attendance list: three of four completes
an 80 % series, two do not; statements for attendance, completion and corrections."""

from __future__ import annotations

from lms.core.time import local_today
from lms.extensions import db
from lms.workshops import actions, attendance, evaluations, pages, participants
from lms.workshops.models import WorkshopParticipant
from tests.workshops.conftest import outbox_statements, verb
from xapi.validation import problems


def tick(client, group, index: int, people) -> None:
    response = client.submit(
        f"/workshops/units/{group.unit_id}/sessions/{group.session_ids[index]}/attendance",
        {"present": [str(p.id) for p in people]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def participant(group, person) -> WorkshopParticipant:
    return participants.participant_of(group.series(), person.id)


def test_three_of_four_sessions_complete_the_series_and_two_do_not(app, org, client, group):
    client.sign_in(org.facilitator)
    faithful, busy = group.people[0], group.people[1]
    tick(client, group, 0, [faithful, busy])
    tick(client, group, 1, [faithful])
    with app.app_context():
        assert participant(group, faithful).completed_at is None
    tick(client, group, 2, [faithful, busy])
    with app.app_context():
        assert participant(group, faithful).completed_at is not None
        assert participant(group, busy).completed_at is None
    tick(client, group, 3, [faithful])
    with app.app_context():
        assert participant(group, busy).completed_at is None
        statements = outbox_statements()
    completed = [s for s in statements if verb(s) == "completed"]
    assert len(completed) == 1, "completion is recorded once, when the threshold is reached"
    assert completed[0]["actor"]["account"]["name"] == faithful.uuid
    attended = [s for s in statements if verb(s) == "attended"]
    assert len(attended) == 6

    page = client.get(f"/workshops/units/{org.zone.id}/series/{group.series_id}").get_data(as_text=True)
    assert "fullført" in page


def test_statements_have_the_profile_shape_and_validate(app, org, client, group):
    client.sign_in(org.facilitator)
    person = group.people[0]
    for index in range(3):
        tick(client, group, index, [person])
    with app.app_context():
        series = group.series()
        session = group.session(0)
        statements = outbox_statements()
    for statement in statements:
        assert problems(statement) == []
    attended = next(s for s in statements if verb(s) == "attended")
    base = "http://localhost/xapi/activities/workshop"
    assert attended["object"]["id"] == f"{base}/{series.id}/session/{session.id}"
    assert attended["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/meeting"
    context = attended["context"]
    assert context["registration"] == series.uuid
    assert context["instructor"]["account"]["name"] == org.facilitator.uuid
    (parent,) = context["contextActivities"]["parent"]
    assert parent["id"] == f"{base}/{series.id}"
    assert parent["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    completed = next(s for s in statements if verb(s) == "completed")
    assert completed["object"]["id"] == f"{base}/{series.id}"
    assert completed["result"] == {"completion": True}
    assert completed["context"]["registration"] == series.uuid


def test_unticking_a_mistake_voids_the_attended_statement(app, org, client, group):
    client.sign_in(org.facilitator)
    right, wrong = group.people[0], group.people[1]
    tick(client, group, 0, [right, wrong])
    with app.app_context():
        statements = outbox_statements()
    by_person = {s["actor"]["account"]["name"]: s["id"] for s in statements if verb(s) == "attended"}
    tick(client, group, 0, [right])
    with app.app_context():
        statements = outbox_statements()
        assert not evaluations.has_attended(group.session(0), wrong)
    voiding = [s for s in statements if verb(s) == "voided"]
    assert len(voiding) == 1
    assert voiding[0]["object"] == {"objectType": "StatementRef", "id": by_person[wrong.uuid]}
    assert voiding[0]["actor"]["account"]["name"] == org.facilitator.uuid
    assert problems(voiding[0]) == []


def test_unticking_below_the_share_withdraws_the_completion(app, org, client, group):
    client.sign_in(org.facilitator)
    person = group.people[0]
    for index in range(3):
        tick(client, group, index, [person])
    with app.app_context():
        completion_id = participant(group, person).completion_statement_id
        assert completion_id
    tick(client, group, 2, [])
    with app.app_context():
        assert participant(group, person).completed_at is None
        voided = {s["object"]["id"] for s in outbox_statements() if verb(s) == "voided"}
    assert completion_id in voided


def test_closing_the_series_counts_only_the_sessions_held(app, org, group):
    person = group.people[0]
    with app.test_request_context():
        series = group.series()
        facilitator = db.session.merge(org.facilitator)
        for index in (0, 1):
            attendance.set_attendance(group.session(index), [person.id], facilitator)
        assert participant(group, person).completed_at is None
        # Held: the first two sessions; 80 % of two is two.
        attendance.close_series(series, now=group.session(2).starts_at.replace(hour=0))
        assert participant(group, person).completed_at is not None


def test_only_participants_can_be_ticked_in(app, org, client, group):
    client.sign_in(org.facilitator)
    response = client.submit(
        f"/workshops/units/{org.zone.id}/sessions/{group.session_ids[0]}/attendance",
        {"present": [str(org.nurse.id)]},
    )
    assert response.status_code == 422
    assert "Bare deltakere" in response.get_data(as_text=True)
    with app.app_context():
        assert outbox_statements() == []


def test_the_demo_series_is_running_with_two_sessions_held(app, org):

    from lms.organisation.models import Role
    from lms.workshops.demo import TITLE, add_workshop_history
    from tests.conftest import add_person

    with app.app_context():
        zone = db.session.merge(org.zone)
        staff = [add_person(f"Demo {n}", f"demo{n}@testvik.no", zone, Role.STAFF) for n in range(6)]
        add_workshop_history(zone, staff, local_today())
        db.session.commit()
        (series,) = pages.series_in_units([zone.id])
        assert series.title == TITLE
        assert len(series.sessions) == 4
        held = [s for s in series.sessions if evaluations.evaluation_summary(s).attended]
        assert len(held) == 2
        assert all(s.notes and s.agreed_actions for s in held)
        still_open = [a.text for a in actions.open_from_earlier(series.sessions[2])]
        assert "Spør IT om raskere innlogging med kort" in still_open
        assert "Alle logger ut eller låser skjermen når de går fra PC-en" not in still_open
        assert evaluations.evaluation_summary(held[0]).shown
