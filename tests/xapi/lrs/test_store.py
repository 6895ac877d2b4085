"""The store as the delivery job calls it in-process: ``store_statements``, ``get_statement`` and
``query_statements`` on a session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.extensions import db
from tests.xapi.lrs.conftest import statement
from xapi.lrs import queries, store
from xapi.lrs.store import StatementConflict, StatementRejected

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://localhost", "name": "lms"}}
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def put(batch, now=T0) -> list[str]:
    return store.store_statements(db.session, batch, authority=AUTHORITY, now=now)


def test_store_fills_in_what_the_lrs_sets(app):
    sent = statement(version="1.0.3", authority={"mbox": "mailto:someone@example.com"})
    with app.app_context():
        assert put([sent], T0 + timedelta(microseconds=123456)) == [sent["id"]]
        found = queries.get_statement(db.session, sent["id"].upper())
    assert found["stored"] == "2026-11-23T12:00:00.123Z"
    assert found["timestamp"] == found["stored"]
    assert found["authority"] == AUTHORITY
    assert found["version"] == "1.0.3"


def test_single_context_activities_come_back_as_arrays(app):
    sent = statement(context={"contextActivities": {"parent": {"id": "http://example.com/p"}}})
    with app.app_context():
        put([sent])
        found = queries.get_statement(db.session, sent["id"])
    assert found["context"]["contextActivities"]["parent"] == [{"id": "http://example.com/p"}]


def test_rejections_and_conflicts_leave_the_session_usable(app):
    sent = statement()
    with app.app_context():
        put([sent])
        with pytest.raises(StatementConflict) as conflict:
            put([{**sent, "result": {"success": True}}])
        assert conflict.value.statement_id == sent["id"]
        with pytest.raises(StatementRejected, match="statement 0"):
            put([{"actor": {}}])
        with pytest.raises(StatementRejected):
            put("not a list")  # type: ignore[arg-type]
        assert put([sent]) == [sent["id"]]
        assert queries.statement_count(db.session) == 1


def test_since_exclusive_until_inclusive_by_stored(app):
    batches = [[statement()] for _ in range(4)]
    with app.app_context():
        for n, batch in enumerate(batches):
            put(batch, T0 + timedelta(minutes=n))
        found, _ = queries.query_statements(
            db.session, since=T0, until=T0 + timedelta(minutes=2), ascending=True
        )
    assert [one["id"] for one in found] == [batches[1][0]["id"], batches[2][0]["id"]]


def test_limit_and_cursor(app):
    sent = [statement() for _ in range(5)]
    with app.app_context():
        put(sent)
        page, cursor = queries.query_statements(db.session, limit=2)
        rest, end = queries.query_statements(db.session, limit=10, after=cursor)
        everything, none = queries.query_statements(db.session, limit=0)
        with pytest.raises(ValueError):
            queries.query_statements(db.session, after="nonsense")
        with pytest.raises(ValueError):
            queries.query_statements(db.session, agent={"objectType": "Group", "member": []})
    assert len(page) == 2 and len(rest) == 3 and end is None and none is None
    assert [one["id"] for one in page + rest] == [one["id"] for one in reversed(sent)]
    assert len(everything) == 5


def test_agents_match_by_identifier_of_any_kind(app):
    account = {"homePage": "http://localhost", "name": "person-7"}
    by_account = statement()
    by_account["actor"] = {"account": account}
    by_openid = statement()
    by_openid["actor"] = {"openid": "http://example.com/nils"}
    by_sha1 = statement()
    by_sha1["actor"] = {"mbox_sha1sum": "A" * 40}
    as_object = statement()
    as_object["object"] = {"objectType": "Agent", "account": account}
    with app.app_context():
        put([by_account, by_openid, by_sha1, as_object])

        def found(agent):
            return {one["id"] for one in queries.query_statements(db.session, agent=agent)[0]}

        assert found({"objectType": "Agent", "account": account}) == {by_account["id"], as_object["id"]}
        assert found({"openid": "http://example.com/nils"}) == {by_openid["id"]}
        assert found({"mbox_sha1sum": "a" * 40}) == {by_sha1["id"]}
        assert found({"account": {**account, "name": "person-8"}}) == set()


def test_substatements_count_for_related_agents_and_activities(app):
    sub = statement()
    sub["object"] = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:frida@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
        "object": {"id": "http://example.com/meeting"},
        "context": {"contextActivities": {"grouping": [{"id": "http://example.com/course"}]}},
    }
    with app.app_context():
        put([sub])
        frida = {"mbox": "mailto:frida@example.com"}
        assert queries.query_statements(db.session, agent=frida)[0] == []
        assert len(queries.query_statements(db.session, agent=frida, related_agents=True)[0]) == 1
        for activity in ("http://example.com/meeting", "http://example.com/course"):
            assert queries.query_statements(db.session, activity=activity)[0] == []
            related = queries.query_statements(db.session, activity=activity, related_activities=True)
            assert len(related[0]) == 1
