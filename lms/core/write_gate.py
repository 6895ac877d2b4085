"""One writer at a time on a SQLite file, queued ahead of SQLite.

SQLite lets one transaction write at a time; the others wait in its busy handler, which sleeps
1, 2, 5, 10, 15, 20, 25 ... ms between tries and is not woken when the lock is let go. Under load
(gunicorn's threads and workers writing at once) the writers then mostly sleep while nobody holds
the lock: answers on a file database went at about a third of what the CPU allowed.

``WriteGate`` queues the transactions that take the write lock up front (``BEGIN IMMEDIATE``,
``lms.core.transactions.begin_with_write_lock``) before they ask SQLite: in the process behind a
lock that wakes the next thread as soon as it is let go, and between processes behind an advisory
lock (``flock``) on a file beside the database, tried every ``POLL_SECONDS``. The gate is let go
when the transaction ends (commit or roll back; ``install`` wires that to an engine). It only
orders writers: one that waits past ``wait_seconds`` (a thread with a write transaction already
open on another connection, a long import) goes on to SQLite ungated, which then waits and fails
as it always did.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, event

WRITE_GATE = "lms_write_gate"
"""Key of a connection's ``WriteGate`` in its ``info`` (absent for an in-memory database)."""

POLL_SECONDS = 0.0001
"""How often a process waiting for another process's writer tries the file lock again."""


class WriteGate:
    """The writers' queue for one SQLite file (see the module's docstring). A thread that holds
    the gate passes it again (a second connection of its own; SQLite then decides)."""

    def __init__(self, database: Path, wait_seconds: float):
        self.path = Path(f"{database}-writer")
        self.wait_seconds = wait_seconds
        self.lock = threading.Lock()
        self.owner: int | None = None
        self.holders: set[int] = set()
        self.file: tuple[int, int] | None = None  # (pid, fd): a forked worker opens its own

    def enter(self, dbapi_connection) -> None:
        """Wait for the gate before ``dbapi_connection`` begins a transaction that may write."""
        me = threading.get_ident()
        if self.owner != me:
            deadline = time.monotonic() + self.wait_seconds
            if not self.lock.acquire(timeout=self.wait_seconds):
                return
            if not self._lock_file(deadline):
                self.lock.release()
                return
            self.owner = me
        self.holders.add(id(dbapi_connection))

    def leave(self, dbapi_connection) -> None:
        """Let the gate go after ``dbapi_connection``'s transaction ended, if it held it."""
        if id(dbapi_connection) not in self.holders:
            return
        self.holders.discard(id(dbapi_connection))
        if not self.holders:
            self.owner = None
            fcntl.flock(self._descriptor(), fcntl.LOCK_UN)
            self.lock.release()

    def _lock_file(self, deadline: float) -> bool:
        descriptor = self._descriptor()
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(POLL_SECONDS)

    def _descriptor(self) -> int:
        pid = os.getpid()
        if self.file is None or self.file[0] != pid:
            self.file = (pid, os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        return self.file[1]


def install(engine: Engine, wait_seconds: float) -> WriteGate | None:
    """A SQLite file's ``WriteGate`` for ``engine``'s connections (in each one's ``info`` under
    ``WRITE_GATE``), let go when a connection commits, rolls back, closes or is invalidated; None
    for an in-memory database, where one connection is all there is."""
    if engine.url.database in (None, "", ":memory:"):
        return None
    gate = WriteGate(Path(engine.url.database), wait_seconds)
    dialect = engine.dialect
    commit, roll_back = dialect.do_commit, dialect.do_rollback

    def do_commit(connection):
        try:
            commit(connection)
        finally:
            gate.leave(getattr(connection, "dbapi_connection", connection))

    def do_rollback(connection):
        try:
            roll_back(connection)
        finally:
            gate.leave(getattr(connection, "dbapi_connection", connection))

    def remember(_dbapi_connection, record):
        record.info[WRITE_GATE] = gate

    def forget(dbapi_connection, _record, *_exception):
        gate.leave(dbapi_connection)

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback
    event.listen(engine, "connect", remember)
    event.listen(engine, "close", forget)
    event.listen(engine, "invalidate", forget)
    return gate
