"""Odd input and a database that is away get a clear 4xx or a 503, never an unhandled 500 (issue 13,
item 8): JSON nested 50,000 deep, a page number past any list, the database down or locked."""

from __future__ import annotations

import socket
import sqlite3
import time

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.accounts.sessions import SEEN_KEY
from lms.extensions import db
from tests.conftest import app_config
from xapi.bounded_json import MAX_JSON_DEPTH, TooDeep, depth, loads
from xapi.db import RETRY_AFTER_SECONDS, database_unavailable

DEEP = "[" * 50_000 + "]" * 50_000
HUGE = str(10**30)


# Deep JSON ----------------------------------------------------------------------------------------


def test_the_depth_is_counted_without_recursion_and_the_limit_is_exact():
    assert depth("x") == 0 and depth([]) == 1 and depth({"a": [1, {"b": []}]}) == 4
    at_limit = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert depth(loads(at_limit)) == MAX_JSON_DEPTH
    with pytest.raises(TooDeep, match=f"deeper than {MAX_JSON_DEPTH} levels"):
        loads("[" + at_limit + "]")
    with pytest.raises(ValueError):
        loads(DEEP)


def test_a_page_that_reads_json_treats_50000_deep_as_bad_json(client, org):
    client.sign_in(org.nurse)
    response = client.post(
        "/reminders/push/subscriptions",
        data=DEEP,
        content_type="application/json",
        headers={"X-CSRFToken": client.csrf_token()},
    )
    assert response.status_code == 400


# Page numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/people", "/admin/audit/"])
def test_a_page_number_past_any_list_is_a_bad_request_and_small_ones_still_work(client, org, path):
    client.sign_in(org.admin)
    assert client.get(f"{path}?page={HUGE}").status_code == 400
    assert client.get(f"{path}?page=100001").status_code == 400
    for page in ("100000", "2", "0", "-5", "tull"):
        assert client.get(f"{path}?page={page}").status_code == 200, page


# Ids no database holds ----------------------------------------------------------------------------

PAST_ANY_ID = str(2**63)
"""One past the largest integer SQLite (and PostgreSQL's bigint) holds: SQLite raised
``OverflowError`` on it, a 500, wherever it reached a query."""


def test_an_id_in_a_path_past_any_database_integer_is_not_found(client, org):
    client.sign_in(org.admin)
    for path in (
        f"/admin/people/{PAST_ANY_ID}",
        f"/attempts/{PAST_ANY_ID}/cards/0",
        f"/reports/units/{PAST_ANY_ID}/matrix",
        f"/reports/people/{HUGE}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Fant ikke siden" in response.get_data(as_text=True)
    assert client.get(f"/admin/people/{org.nurse.id}").status_code == 200


def test_an_id_in_a_query_past_any_database_integer_reads_as_none_chosen(client, org):
    client.sign_in(org.admin)
    for path in ("matrix", "matrix.csv", "audit"):
        response = client.get(f"/reports/units/{org.ward.id}/{path}?competence={PAST_ANY_ID}")
        assert response.status_code == 200, path
    assert client.get(f"/admin/audit/?person={PAST_ANY_ID}").status_code == 200


def test_a_form_with_an_id_past_any_database_integer_gets_its_message_and_changes_nothing(client, org):
    client.sign_in(org.nurse)
    response = client.submit("/shifts/delete", {"shift": PAST_ANY_ID}, follow_redirects=True)
    assert response.status_code == 200
    assert "Kryss av vaktene du vil slette." in response.get_data(as_text=True)
    response = client.submit(
        "/competence/me/self-assessment",
        {"competence": PAST_ANY_ID, "level": "2"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Velg en kompetanse og et nivå." in response.get_data(as_text=True)


# The database away --------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def app_without_database(tmp_path, monkeypatch):
    """The app pointed at a PostgreSQL server that is not there (a closed port on loopback), with
    the session of its own engine (the ``transaction`` fixture binds ``db.session`` to the test
    database)."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/borte?connect_timeout=2"
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    return create_app(app_config(tmp_path, url))


def test_pages_answer_503_with_retry_after_and_a_norwegian_page(app_without_database):
    client = app_without_database.test_client()
    with client.session_transaction() as session:
        # signed in (a session id, its secret and when it was last seen): the page needs the
        # person, from the database
        session["_user_id"] = "7:token"
        session[SEEN_KEY] = int(time.time())
    response = client.get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.get_data(as_text=True)
    assert "Lærevakt er utilgjengelig akkurat nå" in page
    assert "Vi får ikke kontakt med databasen" in page
    health = client.get("/healthz")
    assert health.status_code == 503 and "Retry-After" in health.headers


def test_the_api_answers_503_in_json_with_retry_after(app_without_database):
    client = app_without_database.test_client()
    response = client.get("/api/v1/people", headers={"Authorization": "Bearer lv_abcd1234_hemmelig"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json["error"]["status"] == 503


def test_the_lrs_answers_503_in_its_own_format_with_retry_after(app_without_database):
    client = app_without_database.test_client()
    response = client.get(
        "/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"}, auth=("nøkkel", "hemmelig")
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json["error"] == 503 and "try again" in response.json["message"]


def _wrapped(error: Exception, cls=sa.exc.OperationalError, statement: str | None = "SELECT 1"):
    return cls(statement, {}, error)


def _sqlite_error(sql: str) -> sqlite3.Error:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(sql)
    except sqlite3.Error as error:
        return error
    finally:
        connection.close()
    raise AssertionError(f"{sql} ran")


def test_only_errors_that_mean_the_database_is_away_count_as_unavailable(tmp_path):
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorname = "SQLITE_BUSY"
    assert database_unavailable(_wrapped(locked))
    assert database_unavailable(_wrapped(Exception("connection refused"), statement=None))
    assert database_unavailable(sa.exc.TimeoutError("QueuePool limit reached"))

    no_table = _sqlite_error("SELECT * FROM nothing_here")
    assert not database_unavailable(_wrapped(no_table))
    syntax = _sqlite_error("SELEKT 1")
    assert not database_unavailable(_wrapped(syntax))
    clash = sqlite3.IntegrityError("UNIQUE constraint failed: person.email")
    assert not database_unavailable(_wrapped(clash, sa.exc.IntegrityError))
    assert not database_unavailable(RuntimeError("boom"))
    assert not database_unavailable(None)
