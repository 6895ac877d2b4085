"""Sessions end on the server: a copied cookie stops working after "Logg ut", after a password
change elsewhere, after erasure, and once the session has been idle or alive too long."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import session
from flask_login.utils import _create_identifier

from lms.accounts import sessions
from lms.accounts.models import SignInSession
from lms.core import setup
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role
from lms.privacy.services import erase
from tests.conftest import read_mail

SIGNED_IN = "Hei, Nils Sykepleier"
LINK = re.compile(r"http://localhost(/login/link/[\w-]+)")


class Clock:
    """The sessions' clock, frozen, moved by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **elapsed: float) -> None:
        self.now += timedelta(**elapsed)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(sessions, "utcnow", frozen)
    return frozen


def signed_in(client) -> bool:
    response = client.get("/")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert SIGNED_IN in response.get_data(as_text=True)
    return True


def copy_of(client, make_client):
    """Another browser holding a copy of ``client``'s session cookie."""
    copy = make_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def methods_of(app, person: Person) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(SignInSession.method)
                .where(SignInSession.person_id == person.id)
                .order_by(SignInSession.id)
            )
        )


def test_a_copied_cookie_stops_working_after_signing_out(app, client, make_client, org):
    client.sign_in(org.nurse)
    copy = copy_of(client, make_client)
    assert signed_in(copy), "the copy works while the session runs"

    client.submit("/logout")
    assert not signed_in(client)
    assert not signed_in(copy)
    assert methods_of(app, org.nurse) == []


def test_signing_out_on_one_device_leaves_the_others_signed_in(make_client, org):
    phone, ward_pc = make_client(), make_client()
    phone.sign_in(org.nurse)
    ward_pc.sign_in(org.nurse)
    ward_pc.submit("/logout")
    assert signed_in(phone)
    assert not signed_in(ward_pc)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, make_client, org):
    phone, ward_pc = make_client(), make_client()
    phone.sign_in(org.nurse)
    ward_pc.sign_in(org.nurse)
    copy = copy_of(ward_pc, make_client)

    changed = phone.submit("/account", {"password": "nytt-passord-456", "repeat": "nytt-passord-456"})
    assert changed.status_code == 302
    assert signed_in(phone)
    assert not signed_in(ward_pc)
    assert not signed_in(copy)
    assert methods_of(app, org.nurse) == ["password"]


def test_erasure_ends_every_session(app, make_client, org):
    phone = make_client()
    phone.sign_in(org.nurse)
    copy = copy_of(phone, make_client)
    with app.app_context():
        erase(db.session.get(Person, org.nurse.id), actor=None)
        db.session.commit()
    assert phone.get("/").status_code == 302
    assert copy.get("/").status_code == 302
    assert methods_of(app, org.nurse) == []


def test_a_session_ends_after_the_idle_time(client, org, clock):
    client.sign_in(org.nurse)
    clock.advance(hours=11, minutes=59)
    assert signed_in(client)
    clock.advance(hours=11, minutes=59)
    assert signed_in(client), "each request starts the idle time again"
    clock.advance(hours=12, minutes=1)
    assert not signed_in(client)


def test_the_idle_time_is_a_setting(app, client, org, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_HOURS", 1)
    client.sign_in(org.nurse)
    clock.advance(minutes=61)
    assert not signed_in(client)


def test_a_session_in_use_ends_after_its_longest_lifetime(app, client, org, clock):
    assert app.config["SESSION_MAX_HOURS"] == 168
    client.sign_in(org.nurse)
    for _hour in range(0, 168 - 10, 10):
        clock.advance(hours=10)
        assert signed_in(client)
    clock.advance(hours=10)
    assert not signed_in(client)


def test_a_copy_of_an_old_cookie_goes_idle_on_its_own(client, make_client, org, clock):
    client.sign_in(org.nurse)
    copy = copy_of(client, make_client)
    for _ in range(3):
        clock.advance(hours=6)
        assert signed_in(client)
    assert not signed_in(copy), "last seen 18 hours ago, though the session runs elsewhere"


def test_the_last_seen_time_is_written_at_most_every_few_minutes(client, org, clock):
    client.sign_in(org.nurse)
    clock.advance(minutes=4)
    assert "Set-Cookie" not in client.get("/").headers
    clock.advance(minutes=1)
    assert "Set-Cookie" in client.get("/").headers


def test_sign_in_by_e_mailed_link_makes_a_session_like_a_password(app, client, make_client, org):
    client.submit("/login/link", {"email": org.nurse.email})
    client.submit(LINK.search(read_mail(app)).group(1))
    copy = copy_of(client, make_client)
    assert methods_of(app, org.nurse) == ["link"]
    client.submit("/logout")
    assert not signed_in(copy)


def test_old_sessions_are_pruned(app, org):
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    with app.app_context():
        for age in (167, 169):
            db.session.add(
                SignInSession(
                    person_id=org.nurse.id,
                    secret_hash="0" * 64,
                    method="password",
                    created_at=now - timedelta(hours=age),
                )
            )
        db.session.flush()
        assert sessions.prune_sessions(now) == 1
        db.session.commit()
    assert methods_of(app, org.nurse) == ["password"]


def test_the_person_their_roles_and_their_session_come_in_one_query(app, client, org, count_queries):
    client.sign_in(org.nurse)
    with client.session_transaction() as cookie:
        saved = dict(cookie)
    with app.test_request_context(), count_queries() as counted:
        session.update(saved)
        person, roles, _facts = sessions.signed_in_person(saved["_user_id"])
    assert (person.id, roles) == (org.nurse.id, [(Role.STAFF, org.ward.id)])
    assert counted.n == 1


def test_the_signed_in_person_is_the_sessions_own_object(app, client, org):
    """Read from columns, the person is still the one the session holds: found again without a
    query, their roles loaded when asked, a change to them written."""
    client.sign_in(org.nurse)
    with client.session_transaction() as cookie:
        saved = dict(cookie)
    with app.test_request_context():
        session.update(saved)
        person, _roles, _facts = sessions.signed_in_person(saved["_user_id"])
        assert db.session.get(Person, org.nurse.id) is person
        assert [(held.role, held.unit_id) for held in person.roles] == [(Role.STAFF, org.ward.id)]
        assert person.name == org.nurse.name and person.email == org.nurse.email
        person.job_title = "kokk"
        db.session.flush()
        written = sa.select(Person.job_title).where(Person.id == org.nurse.id)
        assert db.session.execute(written).scalar() == "kokk"


def test_a_person_already_in_the_session_is_the_one_signed_in(app, client, org):
    client.sign_in(org.nurse)
    with client.session_transaction() as cookie:
        saved = dict(cookie)
    with app.test_request_context():
        session.update(saved)
        loaded = db.session.get(Person, org.nurse.id)
        person, roles, _facts = sessions.signed_in_person(saved["_user_id"])
        assert person is loaded and roles == [(Role.STAFF, org.ward.id)]


@pytest.mark.parametrize(
    "headers",
    [{}, {"User-Agent": "Mozilla/5.0 (iPhone)"}, {"X-Forwarded-For": "10.0.0.1, 10.0.0.2"}],
)
def test_the_browser_is_told_apart_as_flask_login_does(app, headers):
    """Session protection compares the browser's identifier with the one noted at sign-in: the
    kept one must be Flask-Login's own."""
    with app.test_request_context(headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.7"}):
        assert setup._session_identifier() == _create_identifier()
