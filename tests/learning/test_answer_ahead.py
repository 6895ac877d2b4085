"""The player's answer taken ahead of most of Flask (``lms.learning.answer_wsgi``): the same reply,
rows and statements as Flask's, only for the signed-in person's own attempt with a valid CSRF
token, and everything else left to Flask."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import sqlalchemy as sa

from lms import signals
from lms.extensions import db
from lms.learning.answer_wsgi import AnswersAheadOfFlask
from lms.learning.models import Answer, Attempt
from lms.organisation.models import Person
from lms.practice.models import PracticeFollowUp
from tests.groups.conftest import join, participant_record, run_record, start_run
from tests.learning.test_bundle_ahead import end_sessions, pass_the_check_window
from tests.learning.test_player import answers_of, start, token_from
from xapi.outbox import outbox


@pytest.fixture
def ahead(flask_answered) -> list[str]:
    """The paths Flask answered: a request missing from it was answered ahead of Flask."""
    return flask_answered(AnswersAheadOfFlask)


def begun(client, person) -> tuple[int, dict]:
    """``person`` signed in with an attempt begun; its id and the headers the player sends."""
    client.sign_in(person)
    attempt_id = start(client)
    page = client.get(f"/attempts/{attempt_id}/cards/2").get_data(as_text=True)
    return attempt_id, {"X-CSRFToken": token_from(page)}


def send(client, attempt_id: int, headers: dict, card: str = "enkelt", **payload):
    body = {"card_id": card, "fields": {"response": "b"}, "client_id": str(uuid.uuid4())}
    return client.post(f"/attempts/{attempt_id}/answers", json={**body, **payload}, headers=headers)


def comparable(response) -> tuple:
    """Status, headers and reply, less what differs between two answers (date, client id)."""
    headers = sorted((name, value) for name, value in response.headers if name != "Date")
    reply = {**response.get_json(), "client_id": None}
    return response.status_code, headers, reply


def statement_of(app, attempt_id: int) -> dict:
    """The answer's statement in the outbox, less what differs between two people's."""
    with app.app_context():
        rows = db.session.scalars(sa.select(outbox.c.statement).order_by(outbox.c.id)).all()
        uuid_ = db.session.get(Attempt, attempt_id).uuid
    statement = next(
        s for s in map(json.loads, rows) if s["context"].get("registration") == uuid_ and "result" in s
    )
    for key in ("id", "timestamp", "actor"):
        statement.pop(key)
    statement["context"].pop("registration")
    return statement


def test_an_answer_is_taken_ahead_of_flask_exactly_as_flask_takes_it(
    app, make_client, org, module, ahead, monkeypatch
):
    nurse, assistant = make_client(), make_client()
    nurse_attempt, nurse_headers = begun(nurse, org.nurse)
    assistant_attempt, assistant_headers = begun(assistant, org.assistant)
    ahead.clear()
    taken = send(nurse, nurse_attempt, nurse_headers)
    again = send(nurse, nurse_attempt, nurse_headers, client_id=taken.get_json()["client_id"])
    assert ahead == [] and taken.status_code == 201 and again.status_code == 200

    monkeypatch.setattr(AnswersAheadOfFlask, "_answer", lambda *_args: None)
    flask_taken = send(assistant, assistant_attempt, assistant_headers)
    flask_again = send(
        assistant,
        assistant_attempt,
        assistant_headers,
        client_id=flask_taken.get_json()["client_id"],
    )
    assert len(ahead) == 2
    assert comparable(taken) == comparable(flask_taken)
    assert comparable(again) == comparable(flask_again)
    with app.app_context():
        rows = db.session.scalars(sa.select(Answer).order_by(Answer.id)).all()
        assert [(a.card_id, a.response, a.score) for a in rows] == [("enkelt", ["b"], 1.0)] * 2
    assert statement_of(app, nurse_attempt) == statement_of(app, assistant_attempt)


def test_an_unknown_card_goes_on_to_flask_which_words_the_error(app, client, org, module, ahead):
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    unknown = send(client, attempt_id, headers, card="finnes-ikke")
    assert unknown.status_code == 400 and unknown.get_json() == {"error": "Ukjent kort."}
    assert ahead == [f"/attempts/{attempt_id}/answers"] and answers_of(app, attempt_id) == []


def test_a_completed_attempt_gets_the_views_reply(app, client, org, module, ahead):
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    with app.app_context():
        db.session.get(Attempt, attempt_id).completed_at = db.func.now()
        db.session.commit()
    completed = send(client, attempt_id, headers)
    assert completed.status_code == 200
    assert completed.get_json() == {"stored": False, "reason": "completed"}
    assert ahead == [] and answers_of(app, attempt_id) == []


def test_signed_out_gets_what_flask_gives(app, client, org, module, ahead):
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    response = send(app.test_client(), attempt_id, headers)
    assert response.status_code == 400  # no session, so no CSRF token to match
    assert ahead == [f"/attempts/{attempt_id}/answers"]
    assert answers_of(app, attempt_id) == []


def test_another_persons_attempt_gets_what_flask_gives(app, make_client, org, module, ahead):
    nurse = make_client()
    attempt_id, _headers = begun(nurse, org.nurse)
    assistant = make_client()
    _own, headers = begun(assistant, org.assistant)
    ahead.clear()
    response = send(assistant, attempt_id, headers)
    assert response.status_code == 404 and ahead == [f"/attempts/{attempt_id}/answers"]
    assert answers_of(app, attempt_id) == []


@pytest.mark.parametrize("token", [None, "ikke-et-token"])
def test_a_missing_or_wrong_csrf_token_gets_what_flask_gives(app, client, org, module, ahead, token):
    attempt_id, _headers = begun(client, org.nurse)
    ahead.clear()
    response = send(client, attempt_id, {"X-CSRFToken": token} if token else {})
    assert response.status_code == 400 and ahead == [f"/attempts/{attempt_id}/answers"]
    assert answers_of(app, attempt_id) == []


def test_another_sessions_token_gets_what_flask_gives(app, make_client, org, module, ahead):
    nurse, assistant = make_client(), make_client()
    attempt_id, nurse_headers = begun(nurse, org.nurse)
    _own, assistant_headers = begun(assistant, org.assistant)
    assert send(nurse, attempt_id, nurse_headers).status_code == 201  # its signature now known
    ahead.clear()
    refused_by_flask(app, nurse, attempt_id, assistant_headers, ahead)


def test_a_token_past_its_time_limit_gets_what_flask_gives(app, client, org, module, ahead, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 600)
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    assert send(client, attempt_id, headers).status_code == 201 and ahead == []
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    refused_by_flask(app, client, attempt_id, headers, ahead)


def refused_by_flask(app, client, attempt_id: int, headers: dict, ahead: list[str]) -> None:
    """A second answer with ``headers`` is left to Flask, which refuses its CSRF token."""
    response = send(client, attempt_id, headers)
    assert response.status_code == 400 and ahead == [f"/attempts/{attempt_id}/answers"]
    assert [card for card, _client in answers_of(app, attempt_id)] == ["enkelt"]


def test_an_ended_session_gets_what_flask_gives_once_the_check_is_older_than_its_window(
    app, client, org, module, ahead, monkeypatch
):
    attempt_id, headers = begun(client, org.nurse)
    end_sessions(app, org.nurse)
    pass_the_check_window(monkeypatch)
    ahead.clear()
    response = send(client, attempt_id, headers)
    assert response.status_code == 302 and ahead == [f"/attempts/{attempt_id}/answers"]
    assert answers_of(app, attempt_id) == []


def test_a_form_post_goes_on_to_flask(app, client, org, module, ahead):
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    response = client.post(
        f"/attempts/{attempt_id}/answers", data={"card_id": "enkelt"}, headers=headers
    )
    assert response.status_code == 400 and ahead == [f"/attempts/{attempt_id}/answers"]


@pytest.mark.parametrize("answered_by", ["ahead", "flask"])
def test_an_attempt_completed_between_reading_and_writing_takes_no_answer(
    app, client, org, module, ahead, monkeypatch, meanwhile, answered_by
):
    """The answer's insert is rolled back, and the reply is the one to a completed attempt."""
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    if answered_by == "flask":
        monkeypatch.setattr(AnswersAheadOfFlask, "_answer", lambda *_args: None)
    attempts = Attempt.__table__
    completing = attempts.update().where(attempts.c.id == attempt_id)
    meanwhile(completing.values(completed_at=sa.func.now()))
    response = send(client, attempt_id, headers)
    assert response.status_code == 200
    assert response.get_json() == {"stored": False, "reason": "completed"}
    assert ahead == ([f"/attempts/{attempt_id}/answers"] if answered_by == "flask" else [])
    assert answers_of(app, attempt_id) == []


def test_a_card_answered_between_reading_and_writing_keeps_the_first_answer(
    app, client, org, module, ahead, meanwhile
):
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    first = {
        "attempt_id": attempt_id,
        "card_id": "enkelt",
        "client_id": str(uuid.uuid4()),
        "response": ["a"],
        "score": 0.0,
        "answered_at": sa.func.now(),
    }
    meanwhile(sa.insert(Answer.__table__).values(first))
    response = send(client, attempt_id, headers)
    assert response.status_code == 200
    assert response.get_json()["stored"] is False
    assert response.get_json()["client_id"] == first["client_id"]
    assert ahead == []  # the insert did nothing, and the stored answer is the reply, as in Flask
    with app.app_context():
        rows = db.session.scalars(sa.select(Answer).where(Answer.attempt_id == attempt_id)).all()
        assert [(a.card_id, a.response) for a in rows] == [("enkelt", ["a"])]


def test_a_practice_card_goes_on_to_flask_which_makes_its_follow_up(app, client, org, module, ahead):
    """The practice follow-up's receiver does something for a practice card, so Flask takes it."""
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    response = send(client, attempt_id, headers, card="prov", fields={"commit": "yes"})
    assert response.status_code == 201 and ahead == [f"/attempts/{attempt_id}/answers"]
    with app.app_context():
        follow_ups = db.session.scalars(sa.select(PracticeFollowUp.card_id)).all()
    assert follow_ups == ["prov"]


def test_a_receiver_the_lane_does_not_stand_in_for_gets_every_answer_through_flask(
    app, client, org, module, ahead
):
    heard: list[tuple[str, float]] = []

    def plugin_receiver(_app, answer, card):
        heard.append((card.id, answer.score))

    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    signals.card_answered.connect(plugin_receiver)
    try:
        response = send(client, attempt_id, headers)
    finally:
        signals.card_answered.disconnect(plugin_receiver)
    assert response.status_code == 201 and ahead == [f"/attempts/{attempt_id}/answers"]
    assert heard == [("enkelt", 1.0)]


def test_an_attempt_of_a_group_run_goes_on_to_flask_whose_statement_names_the_run(
    app, client, make_client, org, module, ahead
):
    client.sign_in(org.facilitator)
    run_id = start_run(client, module, org.zone.id)
    nurse = make_client()
    nurse.sign_in(org.nurse)
    participant = participant_record(app, join(nurse, run_record(app, run_id).code))
    page = nurse.get(f"/groups/me/{participant.id}").get_data(as_text=True)
    ahead.clear()
    response = send(nurse, participant.attempt_id, {"X-CSRFToken": token_from(page)})
    assert response.status_code == 201 and ahead == [f"/attempts/{participant.attempt_id}/answers"]
    with app.app_context():
        rows = map(json.loads, db.session.scalars(sa.select(outbox.c.statement)).all())
        answered = [s for s in rows if s["verb"]["id"].endswith("/answered")]
    assert [s["context"]["registration"] for s in answered] == [run_record(app, run_id).uuid]


def test_the_graded_card_is_in_the_readers_language(app, client, org, module, ahead):
    with app.app_context():
        db.session.get(Person, org.nurse.id).locale = "nn"
        db.session.commit()
    attempt_id, headers = begun(client, org.nurse)
    ahead.clear()
    response = send(client, attempt_id, headers, fields={"response": "a"})
    assert response.status_code == 201 and ahead == []
    assert "Ikkje heilt." in response.get_json()["html"]
