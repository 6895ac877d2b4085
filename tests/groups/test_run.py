"""Pacing a run, answering on phones, the anonymous aggregate, leaving, closing, and the cost of the
pages everyone polls."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import sqlalchemy as sa

from lms.content.cards.base import Card
from lms.db import utcnow
from lms.extensions import db
from lms.groups.models import GroupParticipant, GroupRun
from lms.groups.tally import tally
from lms.learning.models import Answer, Attempt
from lms.plugins import card_types
from tests.groups.conftest import (
    CARDS,
    POLL,
    QUESTION,
    REFLECTION,
    answer,
    join,
    move,
    participant_record,
    poll_url,
)


def test_the_phones_follow_the_screen(run, org, phone):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    move(run.facilitator, run.id, QUESTION)
    assert aisha.get(poll_url(aisha, participant_id)).json["position"] == QUESTION
    fragment = aisha.get(f"/groups/me/{participant_id}?fragment=1").get_data(as_text=True)
    assert "<html" not in fragment and "Kort 3 av 10" in fragment


def test_the_facilitator_moves_back_and_forth_within_the_module(run, app):
    for target, expected in [(1, 1), (0, 0), (-4, 0), (CARDS + 5, CARDS - 1)]:
        move(run.facilitator, run.id, target)
        with app.app_context():
            assert db.session.get(GroupRun, run.id).position == expected
    page = run.facilitator.get(f"/groups/runs/{run.id}").get_data(as_text=True)
    assert "Kort 10 av 10" in page and "Neste kort" not in page


def test_answers_are_stored_per_participant_in_their_own_attempt(run, org, staff, phone, app):
    move(run.facilitator, run.id, QUESTION)
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    assert answer(aisha, participant_id, "enkelt", {"response": "b"}).status_code == 302
    page = aisha.get(f"/groups/me/{participant_id}").get_data(as_text=True)
    assert "Riktig!" in page and "Svaret ditt er med" in page
    answer(aisha, participant_id, "enkelt", {"response": "a"})  # the first answer counts
    with app.app_context():
        participant = db.session.get(GroupParticipant, participant_id)
        answers = participant.attempt.answers
        assert [(a.card_id, a.response, a.score) for a in answers] == [("enkelt", ["b"], 1.0)]
        assert participant.attempt.person_id == org.assistant.id
        assert participant.attempt.version_id == participant.run.version_id


def test_a_card_the_group_has_not_reached_cannot_be_answered(run, org, phone, app):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    response = answer(aisha, participant_id, "enkelt", {"response": "b"})
    assert response.status_code == 302
    page = aisha.get(f"/groups/me/{participant_id}").get_data(as_text=True)
    assert "Gruppen er ikke på dette kortet ennå." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0


def test_a_reflection_is_talked_about_not_typed(run, org, phone, app):
    move(run.facilitator, run.id, REFLECTION)
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    page = aisha.get(f"/groups/me/{participant_id}").get_data(as_text=True)
    assert "Når var du sist usikker på om du hadde logget ut?" in page
    assert "Snakk sammen om dette" in page
    assert "<textarea" not in page
    answer(aisha, participant_id, "tanker", {"text": "Skal ikke lagres"})
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    screen = run.facilitator.get(f"/groups/runs/{run.id}").get_data(as_text=True)
    assert "Snakk sammen" in screen and "<textarea" not in screen


def test_the_shared_screen_shows_counts_never_names(run, org, staff, phone):
    move(run.facilitator, run.id, QUESTION)
    people = [org.assistant, staff[0], staff[1]]
    clients = [(phone(p), p) for p in people]
    ids = [join(c, run.code) for c, _ in clients]
    choices = ["b", "b", "a"]

    answer(clients[0][0], ids[0], "enkelt", {"response": "b"})
    live = run.facilitator.get(f"/groups/runs/{run.id}/live").get_data(as_text=True)
    assert "Svarene vises når minst 3 har svart." in live and "<table" not in live
    for (c, _), pid, choice in list(zip(clients, ids, choices, strict=True))[1:]:
        answer(c, pid, "enkelt", {"response": choice})

    live = run.facilitator.get(f"/groups/runs/{run.id}/live").get_data(as_text=True)
    screen = run.facilitator.get(f"/groups/runs/{run.id}").get_data(as_text=True)
    assert "3 med · 3 har svart" in live
    rows = live.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
    assert (
        "Lar den stå pålogget til neste vakt" in rows[0] and '<td class="group-count">1</td>' in rows[0]
    )
    assert "Logger ut eller låser skjermen" in rows[1] and '<td class="group-count">2</td>' in rows[1]
    assert "67 % svarte riktig (2 av 3)" in live
    for page in (live, screen):
        for person in people:
            assert person.name not in page
            assert person.email not in page


def test_the_poll_aggregate_counts_each_option(run, org, staff, phone):
    move(run.facilitator, run.id, POLL)
    for person, choice in [(staff[0], "daglig"), (staff[1], "daglig"), (staff[2], "sjelden")]:
        c = phone(person)
        answer(c, join(c, run.code), "mening", {"response": choice})
    live = run.facilitator.get(f"/groups/runs/{run.id}/live").get_data(as_text=True)
    rows = live.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
    assert "Hver vakt" in rows[0] and '<td class="group-count">2</td>' in rows[0]
    assert "Noen ganger i uka" in rows[1] and '<td class="group-count">0</td>' in rows[1]
    assert "Sjelden" in rows[2] and '<td class="group-count">1</td>' in rows[2]
    assert "svarte riktig" not in live


def test_the_tally_counts_true_false_and_practice_answers(app, fixture_module):
    with app.test_request_context():
        from lms.content import services as content

        module = content.load_version(content.current_version(fixture_module))
        true_false = next(c for c in module.cards if c.type == "true_false")
        counted = tally(
            true_false, card_types()[true_false.type], [(False, 1.0), (True, 0.0), (False, 1.0)]
        )
        assert [(o.id, o.count, o.correct) for o in counted.options] == [
            ("true", 1, False),
            ("false", 2, True),
        ]
        assert counted.right == 2 and counted.shown
        practice = Card(id="p", type="practice", index=9, data={"scored": False})
        counted = tally(practice, card_types()["practice"], [(True, None), (False, None)])
        assert [(o.id, o.count) for o in counted.options] == [("yes", 1), ("no", 1)]
        assert counted.right is None and not counted.shown


def close_run(run):
    response = run.facilitator.submit(f"/groups/runs/{run.id}/close")
    assert response.status_code == 302
    return response


def test_closing_judges_everyone_on_the_cards_they_were_there_for(run, org, staff, phone, app):
    stayer, leaver, silent = phone(org.assistant), phone(staff[0]), phone(staff[1])
    stayer_id, leaver_id, silent_id = (join(c, run.code) for c in (stayer, leaver, silent))
    run.facilitator.submit(f"/groups/runs/{run.id}/people", {"person_id": staff[2].id})
    move(run.facilitator, run.id, QUESTION)
    answer(stayer, stayer_id, "enkelt", {"response": "b"})
    answer(leaver, leaver_id, "enkelt", {"response": "b"})
    answer(silent, silent_id, "enkelt", {"response": "b"})
    leaver.submit(f"/groups/me/{leaver_id}/leave")
    assert "Du har forlatt økten" in leaver.get(f"/groups/me/{leaver_id}").get_data(as_text=True)
    with app.app_context():
        db.session.get(GroupParticipant, silent_id).last_seen_at = utcnow() - timedelta(minutes=45)
        db.session.commit()
    for index in range(QUESTION + 1, POLL + 1):  # to card 8: the leaver saw 2 of the 7 shown
        move(run.facilitator, run.id, index)
    confirm = run.facilitator.get(f"/groups/runs/{run.id}/close").get_data(as_text=True)
    failed_part = confirm.split('data-standing="failed"')[1].split("</section>")[0]
    assert "Fullført, ikke bestått (2)" in failed_part and "Aisha" in failed_part
    started_part = confirm.split('data-standing="in_progress"')[1].split("</section>")[0]
    assert "Påbegynt (2)" in started_part and "Deltaker 1" in confirm

    close_run(run)

    with app.app_context():
        by_person = {
            p.person_id: p
            for p in db.session.scalars(sa.select(GroupParticipant).filter_by(run_id=run.id))
        }
        stayed, left, gone = by_person[org.assistant.id], by_person[staff[0].id], by_person[staff[1].id]
        ticked = by_person[staff[2].id]
        assert stayed.attempt.outcome == "failed" and stayed.attempt.score == 1 / 4
        assert [a.card_id for a in stayed.attempt.answers] == ["enkelt"]
        assert ticked.attempt.outcome == "failed" and ticked.attempt.score == 0.0
        assert not left.attempt.completed and left.left_how == "self"
        assert left.attempt.position == QUESTION and len(left.attempt.answers) == 1
        assert not gone.attempt.completed and gone.left_how == "gone"
        assert db.session.get(GroupRun, run.id).closed_at is not None
    stayer_page = stayer.get(f"/groups/me/{stayer_id}").get_data(as_text=True)
    assert "Fullført, ikke bestått" in stayer_page and "25 % riktig" in stayer_page
    leaver_page = leaver.get(f"/groups/me/{leaver_id}").get_data(as_text=True)
    assert "Påbegynt" in leaver_page and "var med på 2 av 7 kort" in leaver_page
    assert stayer.get(poll_url(stayer, stayer_id)).json["status"] == "closed"
    results = run.facilitator.get(f"/groups/runs/{run.id}/close").get_data(as_text=True)
    assert "Resultater" in results and results.count("Fullført, ikke bestått (2)") == 1
    screen = run.facilitator.get(f"/groups/runs/{run.id}").get_data(as_text=True)
    assert "Økten er avsluttet" in screen and "2 var med til slutt" in screen


def test_a_leaver_can_come_back_before_the_end(run, org, phone, app):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    aisha.submit(f"/groups/me/{participant_id}/leave")
    aisha.submit(f"/groups/me/{participant_id}/rejoin")
    close_run(run)
    with app.app_context():
        assert db.session.get(GroupParticipant, participant_id).attempt.completed


def test_the_facilitator_takes_someone_off_the_list(run, org, phone, app):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    run.facilitator.submit(f"/groups/runs/{run.id}/people/{participant_id}/remove")
    for index in (1, 2, 3):  # she was there for 1 of the 4 cards shown
        move(run.facilitator, run.id, index)
    close_run(run)
    participant = participant_record(app, participant_id)
    assert participant.left_how == "facilitator"
    with app.app_context():
        assert not db.session.get(Attempt, participant.attempt_id).completed


def test_nothing_can_be_answered_or_joined_after_the_close(run, org, staff, phone, app):
    move(run.facilitator, run.id, QUESTION)
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    close_run(run)
    answer(aisha, participant_id, "enkelt", {"response": "b"})
    assert (
        run.facilitator.submit(f"/groups/runs/{run.id}/people", {"person_id": staff[0].id}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GroupParticipant)) == 1


def test_the_polled_pages_run_as_many_queries_for_many_participants_as_for_few(
    run, org, staff, phone, count_queries, clock
):
    move(run.facilitator, run.id, QUESTION)
    aisha = phone(org.assistant)
    mine = join(aisha, run.code)
    answer(aisha, mine, "enkelt", {"response": "b"})

    def measure():
        counts = []
        for url, client in [
            (f"/groups/runs/{run.id}", run.facilitator),
            (f"/groups/runs/{run.id}/live", run.facilitator),
            (poll_url(aisha, mine), aisha),
            (f"/groups/me/{mine}", aisha),
        ]:
            client.get(url)
            with count_queries() as counted:
                assert client.get(url).status_code == 200
            counts.append(counted.n)
        return counts

    few = measure()
    for person in staff:
        c = phone(person)
        answer(c, join(c, run.code), "enkelt", {"response": "a"})
    many = measure()
    assert many == few
    assert (
        few[2] == 0
    )  # the poll, answered from the process's copy of the run (tests/groups/test_live.py)


def outbox_for(app, registration):
    from xapi.outbox import outbox

    with app.app_context():
        rows = db.session.execute(sa.select(outbox.c.statement).order_by(outbox.c.id))
        statements = [json.loads(r.statement) for r in rows]
    return [s for s in statements if s.get("context", {}).get("registration") == registration]


def test_the_runs_statements_carry_registration_instructor_and_team(run, org, staff, phone, app):
    from xapi.validation import problems

    with app.app_context():
        run_uuid = db.session.get(GroupRun, run.id).uuid
        uuids = {p.id: p.uuid for p in db.session.scalars(sa.select(type(org.facilitator)))}
    move(run.facilitator, run.id, QUESTION)
    aisha, other = phone(org.assistant), phone(staff[0])
    aisha_id, other_id = join(aisha, run.code), join(other, run.code)
    answer(aisha, aisha_id, "enkelt", {"response": "b"})
    other.submit(f"/groups/me/{other_id}/leave")
    close_run(run)

    statements = outbox_for(app, run_uuid)
    verbs = [(s["actor"]["account"]["name"], s["verb"]["id"].rsplit("/", 1)[1]) for s in statements]
    aisha_uuid, other_uuid = uuids[org.assistant.id], uuids[staff[0].id]
    assert verbs == [
        (aisha_uuid, "initialized"),
        (aisha_uuid, "join"),
        (other_uuid, "initialized"),
        (other_uuid, "join"),
        (aisha_uuid, "answered"),
        (other_uuid, "progressed"),
        (other_uuid, "leave"),
        (aisha_uuid, "attended"),
        (other_uuid, "attended"),
    ]
    instructor = {
        "objectType": "Agent",
        "account": {"homePage": "http://localhost", "name": uuids[org.facilitator.id]},
    }
    for statement in statements:
        assert problems(statement) == []
        assert statement["context"]["instructor"] == instructor
        assert statement["context"]["team"]["objectType"] == "Group"
    team = lambda s: [m["account"]["name"] for m in s["context"]["team"]["member"]]  # noqa: E731
    assert team(statements[4]) == [aisha_uuid, other_uuid]
    assert team(statements[-1]) == [aisha_uuid]
    # one card shown, one of the four questions: attended, scored on the one she was there for
    assert statements[-2]["result"]["score"]["scaled"] == 1.0
    assert "completion" not in statements[-2]["result"]
    joined = statements[1]
    assert joined["verb"] == {
        "id": "http://activitystrea.ms/join",
        "display": {"en-US": "joined", "nb-NO": "ble med"},
    }
    assert joined["object"]["id"] == "http://localhost/xapi/activities/module/alle-korttyper"


def test_an_answer_sent_late_is_dated_when_the_phone_says_it_was_given_if_that_can_be_true(
    run, org, staff, phone, app
):
    """An answer given without network arrives later with the moment it was given: kept (on the
    answer and its statement) if it falls between the attempt's start and the arrival, else the
    arrival's time, as in the solo player."""
    with app.app_context():
        run_uuid = db.session.get(GroupRun, run.id).uuid
    move(run.facilitator, run.id, QUESTION)
    clients = [phone(org.assistant), phone(staff[0]), phone(staff[1])]
    ids = [join(c, run.code) for c in clients]
    with app.app_context():
        for participant_id in ids:
            attempt = db.session.get(GroupParticipant, participant_id).attempt
            attempt.started_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    given = utcnow() - timedelta(minutes=20)
    stated = [
        given.isoformat().replace("+00:00", "Z"),  # as the phone's toISOString writes it
        (utcnow() + timedelta(hours=2)).isoformat(),  # a phone clock ahead: cannot be true
        (utcnow() - timedelta(hours=3)).isoformat(),  # before the attempt began
    ]
    before = utcnow()
    for c, participant_id, moment in zip(clients, ids, stated, strict=True):
        response = answer(c, participant_id, "enkelt", {"response": "b", "answered_at": moment})
        assert response.status_code == 302
    after = utcnow()

    with app.app_context():
        stored = [
            db.session.scalar(
                sa.select(Answer.answered_at)
                .join(GroupParticipant, GroupParticipant.attempt_id == Answer.attempt_id)
                .where(GroupParticipant.id == participant_id)
            )
            for participant_id in ids
        ]
    stored = [at if at.tzinfo else at.replace(tzinfo=given.tzinfo) for at in stored]
    assert abs(stored[0] - given) < timedelta(seconds=1)
    for late in stored[1:]:
        assert before - timedelta(seconds=1) <= late <= after + timedelta(seconds=1)
    answered = [s for s in outbox_for(app, run_uuid) if s["verb"]["id"].endswith("/answered")]
    assert len(answered) == 3
    for statement, at in zip(answered, stored, strict=True):
        timestamp = datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
        assert abs(timestamp - at) < timedelta(seconds=1)


def test_solo_attempts_keep_their_own_registration(client, org, fixture_module, app):
    client.sign_in(org.nurse)
    client.submit(f"/learn/{fixture_module}/start")
    from xapi.outbox import outbox

    with app.app_context():
        row = db.session.execute(sa.select(outbox.c.statement)).one()
        attempt = db.session.scalars(sa.select(Attempt)).one()
    context = json.loads(row.statement)["context"]
    assert context["registration"] == attempt.uuid
    assert "team" not in context and "instructor" not in context


def test_on_their_own_a_participant_starts_afresh_while_the_run_goes_on(
    run, org, phone, app, fixture_module
):
    aisha = phone(org.assistant)
    participant_id = join(aisha, run.code)
    move(run.facilitator, run.id, QUESTION)
    response = aisha.submit(f"/learn/{fixture_module}/start")
    solo_url = response.headers["Location"]
    assert solo_url.endswith("/cards/0")
    group_attempt_id = participant_record(app, participant_id).attempt_id
    assert f"/attempts/{group_attempt_id}/" not in solo_url
    aisha.submit(f"/groups/me/{participant_id}/leave")
    page = aisha.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert f"/attempts/{group_attempt_id}/" not in page  # the newer solo attempt is the one resumed
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 2
