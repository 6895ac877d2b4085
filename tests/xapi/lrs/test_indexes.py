"""What keeps the store fast as it grows (SQLite's plans; PostgreSQL plans by statistics): every
query of the Statement resource and of storing reads index ranges, never a whole table, and sorts
only the few statements that refer to others (StatementRef); and every index a statement is written
to is one a query reads, since an index no query reads is only a cost on each insert."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.xapi.lrs.conftest import COMPLETED, VOIDED, statement
from tests.xapi.lrs.test_store import T0, put
from xapi.lrs import queries, tables

LRS_TABLES = ("xapi_lrs_statement", "xapi_lrs_statement_agent", "xapi_lrs_statement_activity")
MODULE = "http://localhost/xapi/activities/module/a"
CARD = "http://localhost/xapi/activities/module/a/card/1"
REGISTRATION = "6f1b2d9e-3c4a-4b5e-9f60-7a8b9c0d1e2f"
NEWEST_FIRST = "SCAN xapi_lrs_statement USING INDEX ix_xapi_lrs_statement_stored_id"
"""The page of a query without filters: read in order off the index, stopping at the limit."""


def _work() -> None:
    """Store (with re-sends, voiding and a StatementRef) and read as the resource does."""
    learner = {"mbox": "mailto:nils@example.com"}
    made = [
        statement(activity=CARD, context={"registration": REGISTRATION,
                                          "contextActivities": {"parent": [{"id": MODULE}]}})
        for _ in range(3)
    ]  # fmt: skip
    put(made)
    put(made[:1])
    put([statement(verb=VOIDED, object={"objectType": "StatementRef", "id": made[0]["id"]})])
    put([statement(object={"objectType": "StatementRef", "id": made[1]["id"]})], T0 + timedelta(1))
    queries.get_statement(db.session, made[1]["id"])
    queries.get_statement(db.session, made[0]["id"], voided=True)
    for filters in (
        {},
        {"agent": learner},
        {"agent": learner, "related_agents": True},
        {"verb": COMPLETED},
        {"activity": CARD},
        {"activity": MODULE, "related_activities": True},
        {"registration": REGISTRATION},
        {"since": T0 - timedelta(1), "until": T0 + timedelta(2)},
        {"agent": learner, "verb": COMPLETED, "ascending": True},
    ):
        _, cursor = queries.query_statements(db.session, **filters, limit=1)
        queries.query_statements(db.session, **filters, limit=1, after=cursor)
    # A key with statements/read/mine, and the check before a key voids a statement.
    _, cursor = queries.query_statements(db.session, stored_by="a-key", limit=1)
    queries.query_statements(db.session, stored_by="a-key", limit=1, after=cursor)
    queries.get_statement(db.session, made[1]["id"], stored_by="a-key")
    queries.keys_that_stored(db.session, [made[2]["id"]])


def _plans(app) -> list[tuple[str, list[str]]]:
    executed: list[tuple[str, object]] = []

    def remember(_conn, _cursor, sql, parameters, _context, executemany):
        if not executemany and sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            executed.append((sql, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", remember)
        try:
            _work()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", remember)
        connection = db.session.connection()
        return [
            (sql, [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)])
            for sql, params in executed
            if any(table in sql for table in LRS_TABLES)
        ]


@pytest.fixture
def plans(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's query plans")
    return _plans(app)


def test_every_query_reads_index_ranges_and_sorts_only_statement_refs(plans):
    assert plans
    for sql, steps in plans:
        for step in steps:
            if step != NEWEST_FIRST:
                assert not re.match(r"SCAN (xapi_lrs_\w+|target|referrer)\b", step), (step, sql)
            if "TEMP B-TREE" in step:
                assert "referrer.ref_target IS NOT NULL" in sql, (step, sql)


def test_every_index_a_statement_is_written_to_is_read_by_a_query(plans):
    statement_tables = (tables.statements, tables.statement_agents, tables.statement_activities)
    written = {index.name for table in statement_tables for index in table.indexes}
    read = {name for _, steps in plans for step in steps for name in re.findall(r"INDEX (\w+)", step)}
    assert written <= read, sorted(written - read)


def test_a_sqlite_database_file_keeps_its_hot_pages_at_hand(app):
    """The page cache and checkpoint interval the ingest rate depends on, and no memory map (a write
    by another connection unmaps it), set on every connection to a database file."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's settings")
        found = {
            pragma: db.session.execute(sa.text(f"PRAGMA {pragma}")).scalar()
            for pragma in ("journal_mode", "cache_size", "mmap_size", "wal_autocheckpoint")
        }
    assert found == {
        "journal_mode": "wal",
        "cache_size": -32768,
        "mmap_size": 0,
        "wal_autocheckpoint": 10_000,
    }
