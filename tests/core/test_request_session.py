"""The request's ORM session is made only when something uses it. The signed-in person, read on the
driver's connection, waits for it (``join_the_session``): a page that reads nothing more through
the session (the module's start page) makes none, and the person is the session's own object once
it is made. A change to the waiting person is committed even when nothing made the session."""

from __future__ import annotations

import pytest
from flask import Response

from lms.extensions import JoinsWaiting, db, join_the_session
from lms.organisation.models import Person, Role


@pytest.fixture
def sessions_made(monkeypatch) -> list[object]:
    """The sessions made from here on (the app's and the tests' session classes share the hook)."""
    made: list[object] = []
    original = JoinsWaiting.__init__

    def counting(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(JoinsWaiting, "__init__", counting)
    return made


def test_the_start_page_makes_no_session_and_a_page_that_uses_one_has_the_person_in_it(
    client, org, fixture_module, sessions_made
):
    client.sign_in(org.nurse)
    sessions_made.clear()

    page = client.get(f"/learn/{fixture_module}")
    assert page.status_code == 200 and "Alle korttyper" in page.get_data(as_text=True)
    assert sessions_made == []

    home = client.get("/")  # reads through the session
    assert home.status_code == 200 and org.nurse.name in home.get_data(as_text=True)
    assert len(sessions_made) >= 1


def detached(app, person_id: int) -> Person:
    """The person as the signed-in person's query leaves them: loaded, in no session."""
    with app.app_context():
        person = db.session.get(Person, person_id)
        db.session.expunge(person)
        db.session.remove()
    return person


def test_a_waiting_object_is_the_sessions_own_once_it_is_made(app, org):
    person = detached(app, org.nurse.id)
    with app.test_request_context("/"):
        join_the_session(person)
        assert not db.session.registry.has()

        assert db.session.get(Person, person.id) is person  # joined as the session was made
        assert [(role.role, role.unit_id) for role in person.roles] == [(Role.STAFF, org.ward.id)]


def test_a_change_to_a_waiting_object_is_committed_though_nothing_made_the_session(app, org):
    person = detached(app, org.nurse.id)
    with app.test_request_context("/", method="POST"):
        join_the_session(person)
        person.name = "Nora Nyttnavn"
        app.process_response(Response("ok"))
        db.session.remove()

    with app.app_context():
        assert db.session.get(Person, org.nurse.id).name == "Nora Nyttnavn"


def test_a_failed_request_does_not_keep_its_change_to_a_waiting_object(app, org):
    person = detached(app, org.nurse.id)
    with app.test_request_context("/", method="POST"):
        join_the_session(person)
        person.name = "Nora Nyttnavn"
        app.process_response(Response("nei", status=400))
        db.session.remove()

    with app.app_context():
        assert db.session.get(Person, org.nurse.id).name == org.nurse.name
