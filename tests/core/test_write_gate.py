"""The SQLite writers' queue (``lms.core.write_gate``): one writer at a time, in the process and
between processes, let go when the transaction ends, and never a deadlock of its own."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time

import sqlalchemy as sa

from lms import create_app
from lms.core.transactions import as_reader, begin_writing
from lms.core.write_gate import WRITE_GATE, WriteGate, install
from lms.extensions import db
from lms.testing import app_config


class Connection:
    """Stands in for a DBAPI connection: the gate only tells connections apart."""


def file_is_locked(path) -> bool:
    """Whether another process finds the gate's file locked."""
    probe = (
        "import fcntl, os, sys\n"
        f"fd = os.open({str(path)!r}, os.O_RDWR | os.O_CREAT)\n"
        "try:\n"
        "    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except BlockingIOError:\n"
        "    sys.exit(1)\n"
    )
    return subprocess.run([sys.executable, "-c", probe], check=False).returncode == 1


def test_a_second_writer_waits_until_the_first_has_ended(tmp_path):
    gate = WriteGate(tmp_path / "lms.sqlite3", wait_seconds=5)
    first, second = Connection(), Connection()
    order: list[str] = []
    gate.enter(first)

    def write_second():
        gate.enter(second)
        order.append("second began")
        gate.leave(second)

    other = threading.Thread(target=write_second)
    other.start()
    time.sleep(0.05)
    order.append("first ended")
    gate.leave(first)
    other.join(timeout=5)

    assert order == ["first ended", "second began"]


def test_another_process_finds_the_gate_held_until_the_transaction_ends(tmp_path):
    gate = WriteGate(tmp_path / "lms.sqlite3", wait_seconds=5)
    writer = Connection()
    gate.enter(writer)
    assert file_is_locked(gate.path)
    gate.leave(writer)
    assert not file_is_locked(gate.path)


def test_a_writer_waits_for_another_process_and_then_goes_on(tmp_path):
    gate = WriteGate(tmp_path / "lms.sqlite3", wait_seconds=5)
    other_process = os.open(gate.path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(other_process, fcntl.LOCK_EX)
    threading.Timer(0.1, fcntl.flock, (other_process, fcntl.LOCK_UN)).start()
    began = time.monotonic()

    gate.enter(Connection())

    assert 0.09 <= time.monotonic() - began < 2
    assert gate.owner == threading.get_ident()
    os.close(other_process)


def test_a_thread_that_holds_the_gate_passes_it_with_a_second_connection(tmp_path):
    gate = WriteGate(tmp_path / "lms.sqlite3", wait_seconds=5)
    first, second = Connection(), Connection()
    gate.enter(first)
    gate.enter(second)  # does not wait for itself
    gate.leave(second)
    assert file_is_locked(gate.path)
    gate.leave(first)
    assert not file_is_locked(gate.path)


def test_a_writer_that_waited_too_long_goes_on_ungated(tmp_path):
    gate = WriteGate(tmp_path / "lms.sqlite3", wait_seconds=0.05)
    holder = Connection()
    threading.Thread(target=gate.enter, args=(holder,)).start()
    time.sleep(0.05)
    late = Connection()

    gate.enter(late)

    assert id(late) not in gate.holders
    gate.leave(late)  # nothing to let go
    gate.leave(holder)
    assert not gate.lock.locked()


def test_the_engine_lets_the_gate_go_when_the_transaction_commits_or_rolls_back(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'lms.sqlite3'}")
    gate = install(engine, wait_seconds=5)
    with engine.connect() as connection:
        for end in ("commit", "rollback"):
            connection.begin()
            gate.enter(connection.connection.dbapi_connection)
            assert file_is_locked(gate.path)
            getattr(connection, end)()
            assert not file_is_locked(gate.path), end
    engine.dispose()


def test_an_in_memory_database_has_no_gate():
    assert install(sa.create_engine("sqlite://"), wait_seconds=5) is None


def test_a_request_read_as_a_reader_writes_on_the_same_connection_behind_the_gate(tmp_path, monkeypatch):
    """``transactions.begin_writing`` on a SQLite file: the read transaction took neither the gate
    nor the write lock; the writing one begins on the same connection, in the session's same
    transaction, behind the gate, which is let go when the session commits."""
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    app = create_app(app_config(tmp_path, f"sqlite:///{tmp_path / 'lms.sqlite3'}"))
    with app.test_request_context("/", method="POST"):
        db.session.execute(sa.text("CREATE TABLE notes (text TEXT)"))
        db.session.commit()
        as_reader()
        db.session.execute(sa.text("SELECT count(*) FROM notes"))
        connection, transaction = db.session.connection(), db.session().get_transaction()
        gate = connection.info[WRITE_GATE]
        assert gate.holders == set() and not file_is_locked(gate.path)
        begin_writing()
        assert db.session.connection() is connection
        assert db.session().get_transaction() is transaction
        assert gate.holders == {id(connection.connection.dbapi_connection)}
        assert file_is_locked(gate.path)
        db.session.execute(sa.text("INSERT INTO notes VALUES ('skrive')"))
        db.session.commit()
        assert gate.holders == set() and not file_is_locked(gate.path)
        assert db.session.scalar(sa.text("SELECT text FROM notes")) == "skrive"
        db.session.remove()
    with app.app_context():
        db.engine.dispose()
