"""Session cookies verified once per process (``lms.core.cookies``): what a kept cookie opens is
what Flask would open, a fresh copy each time, and a cookie past its lifetime opens nothing."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask, session

from lms.core.cookies import KeptCookieSessionInterface


@pytest.fixture
def cookie_app() -> Flask:
    app = Flask("cookies")
    app.secret_key = "test-secret"
    app.session_interface = KeptCookieSessionInterface()

    @app.route("/put")
    def put():
        session["items"] = ["first"]
        return "ok"

    @app.route("/look")
    def look():
        found = session.get("items")
        if found is not None:
            found.append("changed in this request only")  # a list changed in place, not saved
        return repr(found)

    return app


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def test_a_kept_cookie_opens_a_fresh_copy_of_its_session_each_time(cookie_app):
    client = cookie_app.test_client()
    client.get("/put")
    assert client.get("/look").get_data(as_text=True) == "['first', 'changed in this request only']"
    assert client.get("/look").get_data(as_text=True) == "['first', 'changed in this request only']"
    assert len(cookie_app.session_interface.kept) == 1


def test_a_changed_cookie_is_not_trusted(cookie_app):
    client = cookie_app.test_client()
    client.get("/put")
    client.get("/look")
    signed = cookie_of(client)
    client.set_cookie("session", signed[:-2] + ("AA" if not signed.endswith("AA") else "BB"))
    assert client.get("/look").get_data(as_text=True) == "None"


def test_a_cookie_signed_with_another_key_is_not_trusted(cookie_app):
    client = cookie_app.test_client()
    client.get("/put")
    client.get("/look")
    cookie_app.secret_key = "another-secret"
    assert client.get("/look").get_data(as_text=True) == "None"


def test_a_kept_cookie_past_its_lifetime_opens_an_empty_session(cookie_app, monkeypatch):
    client = cookie_app.test_client()
    client.get("/put")
    client.get("/look")
    cookie_app.permanent_session_lifetime = timedelta(seconds=60)
    assert client.get("/look").get_data(as_text=True) != "None"
    later = time.time() + 61
    monkeypatch.setattr("lms.core.cookies.time.time", lambda: later)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert client.get("/look").get_data(as_text=True) == "None"


def test_plain_contents_changed_by_one_request_open_unchanged_for_the_next(cookie_app):
    @cookie_app.route("/name")
    def name():
        session["name"] = "first"
        return "ok"

    @cookie_app.route("/rename")
    def rename():
        before = session["name"]
        session["name"] = "renamed"
        return before

    client = cookie_app.test_client()
    client.get("/name")
    sent = cookie_of(client)
    for _ in range(3):
        client.set_cookie("session", sent)  # the browser sends the cookie it had, not the new one
        assert client.get("/rename").get_data(as_text=True) == "first"
