"""The bundle answered ahead of Flask (``lms.learning.bundle_wsgi``): the same answer Flask's view
gives, only to a running session, and everything uncertain left to Flask."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.accounts.models import SignInSession
from lms.extensions import db
from lms.learning import ahead as session_check
from lms.learning.ahead import SessionCheck
from lms.learning.bundle_wsgi import BundlesAheadOfFlask
from tests.learning.test_bundle import bundle_url
from tests.learning.test_player import start


@pytest.fixture
def ahead(flask_answered) -> list[str]:
    """The paths Flask answered: a request missing from it was answered ahead of Flask."""
    return flask_answered(BundlesAheadOfFlask)


def signed_in_bundle(client, person) -> str:
    client.sign_in(person)
    attempt_id = start(client)
    return bundle_url(client.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True))


def end_sessions(app, person) -> None:
    """Every session of ``person`` ended (as signing out everywhere does)."""
    with app.app_context():
        db.session.execute(sa.delete(SignInSession).where(SignInSession.person_id == person.id))
        db.session.commit()


def pass_the_check_window(monkeypatch) -> None:
    """The clock moved past the window in which a process trusts its check of a session."""
    later = session_check.time.monotonic() + session_check.SESSION_CHECK_SECONDS + 1
    monkeypatch.setattr(session_check.time, "monotonic", lambda: later)


def comparable(response) -> tuple:
    headers = sorted((name, value) for name, value in response.headers if name != "Date")
    return response.status_code, headers, response.get_data()


def test_a_built_bundle_is_answered_ahead_of_flask_exactly_as_flask_answers_it(
    app, client, org, module, ahead, monkeypatch
):
    url = signed_in_bundle(client, org.nurse)
    ahead.clear()
    first = client.get(url)
    etag = first.headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": etag})
    head = client.head(url)
    assert ahead == [] and "Date" in first.headers

    monkeypatch.setattr(SessionCheck, "signed_in", lambda self, environ: None)
    assert comparable(client.get(url)) == comparable(first)
    assert comparable(client.get(url, headers={"If-None-Match": etag})) == comparable(unchanged)
    assert comparable(client.head(url)) == comparable(head)
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert ahead == [url, url, url]


def test_signed_out_gets_what_flask_gives(app, client, org, module, ahead):
    url = signed_in_bundle(client, org.nurse)
    ahead.clear()
    response = app.test_client().get(url)
    assert response.status_code == 302 and ahead == [url]


def test_a_tampered_cookie_goes_on_to_flask(app, client, org, module, ahead):
    url = signed_in_bundle(client, org.nurse)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    payload, _, signature = cookie.value.rpartition(".")
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], f"{payload}.{signature[::-1]}")
    ahead.clear()
    response = client.get(url)
    assert response.status_code == 302 and ahead == [url]


def test_another_browser_goes_on_to_flask(app, client, org, module, ahead):
    url = signed_in_bundle(client, org.nurse)
    ahead.clear()
    client.get(url, headers={"User-Agent": "en annen nettleser"})
    assert ahead == [url]


def test_an_ended_session_is_refused_once_the_check_is_older_than_its_window(
    app, client, org, module, ahead, monkeypatch
):
    url = signed_in_bundle(client, org.nurse)
    ahead.clear()
    assert client.get(url).status_code == 200 and ahead == []
    end_sessions(app, org.nurse)
    assert client.get(url).status_code == 200 and ahead == []  # within the window

    pass_the_check_window(monkeypatch)
    response = client.get(url)
    assert response.status_code == 302 and ahead == [url]


def test_the_browser_identifier_is_flask_logins(app):
    from flask_login.utils import _create_identifier

    environ_headers = {"User-Agent": "Mozilla/5.0 (æøå)", "X-Forwarded-For": "10.0.0.7, 10.0.0.1"}
    for headers in ({}, environ_headers):
        with app.test_request_context("/", headers=headers) as context:
            assert session_check.browser_identifier(context.request.environ) == _create_identifier()
