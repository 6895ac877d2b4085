"""Statements on the driver's connection (``lms.core.driver``): what reaches the database and what
comes back is what SQLAlchemy would send and give, the writes are behind the write gate (a SQLite
file) or in a savepoint (a session bound to a connection in a transaction, as in the tests), and
work not committed is rolled back, the gate let go."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.core.driver import driver_work
from lms.extensions import db
from lms.testing import app_config
from tests.core.test_write_gate import file_is_locked
from xapi.db import UTCDateTime
from xapi.outbox import INSERT, outbox, outbox_row

notes = sa.Table(
    "driver_notes",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("written_at", UTCDateTime, nullable=False),
    sa.Column("response", sa.JSON),
    sa.Column("score", sa.Float),
)
WRITTEN_AT = datetime(2026, 12, 4, 7, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def file_app(tmp_path, monkeypatch):
    """An app on a SQLite file whose session is the app's own (not the tests' bound one)."""
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'lms.sqlite3'}"))
    with app.app_context():
        notes.create(db.engine)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def written(app) -> list[tuple]:
    with app.app_context(), db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.select(notes).order_by(notes.c.id))]


def test_a_row_written_and_read_on_the_driver_is_as_sqlalchemy_writes_and_reads_it(file_app):
    values = {"written_at": WRITTEN_AT, "response": ["b", "æ"], "score": 0.5}
    with file_app.app_context():
        with driver_work() as work:
            work.begin_writing()
            inserted = work.first(sa.insert(notes).returning(notes.c.id), values)
            work.commit()
        with driver_work() as work:
            read = work.first(
                sa.select(notes).where(notes.c.id == sa.bindparam("id")), inserted._asdict()
            )
        with db.engine.begin() as connection:
            connection.execute(sa.insert(notes), values)
    assert read == (inserted.id, WRITTEN_AT, ["b", "æ"], 0.5)
    assert read.written_at.tzinfo is UTC and read.response == ["b", "æ"]
    first, second = written(file_app)
    assert first[1:] == second[1:] == (WRITTEN_AT, ["b", "æ"], 0.5)


def test_the_writes_hold_the_gate_until_committed_and_reads_take_none(file_app):
    with file_app.app_context(), driver_work() as work:
        assert work.first(sa.select(sa.func.count()).select_from(notes), {}) == (0,)
        assert not file_is_locked(work.gate.path)
        work.begin_writing()
        assert file_is_locked(work.gate.path)
        work.run(sa.insert(notes), {"written_at": WRITTEN_AT})
        work.commit()
        assert not file_is_locked(work.gate.path)
    assert len(written(file_app)) == 1


def test_work_that_fails_after_writing_is_rolled_back_and_the_gate_let_go(file_app):
    with file_app.app_context():
        with pytest.raises(RuntimeError), driver_work() as work:
            work.begin_writing()
            work.run(sa.insert(notes), {"written_at": WRITTEN_AT})
            raise RuntimeError("the work failed half-way")
        assert not file_is_locked(work.gate.path)
        with driver_work() as again:  # the gate lets the next writer in at once
            again.begin_writing()
            again.run(sa.insert(notes), {"written_at": WRITTEN_AT, "score": 1.0})
            again.commit()
    assert [row[3] for row in written(file_app)] == [1.0]


def test_a_write_lock_that_cannot_be_taken_lets_the_gate_go(file_app):
    with file_app.app_context():
        with (
            pytest.raises(sa.exc.OperationalError, match="within a transaction"),
            driver_work() as work,
        ):
            work.cursor.execute("BEGIN")  # BEGIN IMMEDIATE now fails: a transaction is open
            work.begin_writing()
        assert not file_is_locked(work.gate.path)
        assert work.gate.holders == set()


def test_the_drivers_errors_come_out_as_sqlalchemys_with_the_statement(file_app):
    """As from a session, so that they are handled alike (a database out of reach answers 503:
    ``tests/core/test_odd_input.py``)."""
    missing = sa.table("driver_nowhere", sa.column("id"))
    with file_app.app_context(), pytest.raises(sa.exc.DBAPIError) as raised, driver_work() as work:
        work.all(sa.select(missing.c.id), {})
    assert "driver_nowhere" in raised.value.statement
    assert not raised.value.connection_invalidated
    with file_app.app_context(), driver_work() as work:  # the connection still serves
        assert work.first(sa.select(sa.literal(1)), {}) == (1,)


def statement() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:kari@example.no"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "https://example.no/kort"},
    }


def outbox_ids(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(sa.select(outbox.c.statement_id)).all()


def test_on_a_connection_in_a_transaction_the_writes_are_a_savepoint_of_it(app):
    """The tests' session is bound to a connection in a transaction: committed work is in it,
    work that failed is rolled back to before it began, and the transaction goes on."""
    kept, lost = statement(), statement()
    with app.app_context():
        with driver_work() as work:
            work.begin_writing()
            work.run(INSERT, outbox_row(kept))
            work.commit()
        with pytest.raises(RuntimeError), driver_work() as work:
            work.begin_writing()
            work.run(INSERT, outbox_row(lost))
            raise RuntimeError("the work failed half-way")
    assert outbox_ids(app) == [kept["id"]]
