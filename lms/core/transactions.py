"""Which of a request's transactions may write, and how a request does slow work before it writes.

On SQLite a transaction that may write takes the write lock when it begins (``BEGIN IMMEDIATE``,
see ``lms.core.setup``), so that it waits for the lock instead of failing half-way. Slow work done
inside such a transaction (verifying a password hash, calling another server) holds the lock for
every other writer: under load they then wait past the busy timeout and fail with "database is
locked". ``read_first`` runs the slow part in a read transaction that ends before anything is
written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from lms.core.write_gate import WRITE_GATE
from lms.extensions import db

READING_METHODS = ("GET", "HEAD", "OPTIONS")
_WRITING = "lms_transaction_may_write"
_CHANGES_AT_BEGIN = "lms_changes_at_begin"


def may_write() -> bool:
    """Whether a transaction beginning now may write: every one except a GET, HEAD or OPTIONS
    request's, except inside ``read_first`` and except after ``as_reader``; after ``read_first``
    every one may."""
    chosen = g.get(_WRITING) if has_app_context() else None
    if chosen is not None:
        return chosen
    return request.method not in READING_METHODS if has_request_context() else True


def as_reader() -> None:
    """Let the transactions that begin from now on in this app context not take the write lock
    up front, as a GET request's: for reads answered outside a request (the group run's poll,
    ``lms.groups.live_wsgi``), whose rare write takes its chances as a GET's does."""
    setattr(g, _WRITING, False)


@contextmanager
def read_first() -> Iterator[None]:
    """Run the block in a read transaction, end it, and let what the request does afterwards begin
    a transaction that may write (also in a GET request).

    Use it before the request has written anything: a transaction already open (say, the one that
    loaded the signed-in person) is ended first, so that the block holds no write lock. The block
    must not write. Objects loaded so far are expired and load again, in the new transaction, when
    next used."""
    db.session.rollback()
    setattr(g, _WRITING, False)
    try:
        yield
    finally:
        db.session.rollback()
        setattr(g, _WRITING, True)


def begin_writing() -> None:
    """Before the first write of a request that began as a reader (``as_reader``): let what it does
    from now on write. Anywhere else (a POST's transaction, a GET's that takes its chances) it does
    nothing.

    For a request that reads a good deal before a short write (``write_in_a_reading_request``):
    on SQLite the write lock is then held for the writes only, not for the reads and the
    work between. The read transaction ends and the next takes the write lock; the session keeps
    what it loaded. On SQLite that is done on the session's connection, in the same transaction of
    the session (``begin_with_write_lock``): ending the session's transaction and beginning another
    cost about as much CPU as the answer's writes. Elsewhere (PostgreSQL, or a session in a
    savepoint, as in the tests) the session's transaction is committed. Either way what was read
    may have changed in between; the writes must check what they rely on (a unique constraint, a
    condition in the statement) and fail rather than write over it."""
    if not has_app_context() or g.get(_WRITING) is not False:
        return
    setattr(g, _WRITING, True)
    session = db.session()
    if not session.in_transaction():
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not connection.in_nested_transaction():
        connection.dialect.do_commit(connection.connection.dbapi_connection)
        begin_with_write_lock(connection)
        return
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def write_in_a_reading_request() -> None:
    """Before a write a GET, HEAD or OPTIONS request makes (an export noted in the audit log): on
    SQLite its read transaction cannot take the write lock once another connection has committed
    since it began, and the write would fail at once ("database is locked", answered 503). The
    read transaction ends and the request writes from here on (``begin_writing``), so what it
    flushed so far is committed now. Anywhere else it does nothing."""
    if has_request_context() and g.get(_WRITING) is None and request.method in READING_METHODS:
        as_reader()
        begin_writing()


def begin_with_write_lock(connection: Connection) -> None:
    """SQLite: begin a transaction that takes the write lock up front (``BEGIN IMMEDIATE``), once
    the file's write gate lets it (``lms.core.write_gate``); the gate is let go when it ends."""
    gate = connection.info.get(WRITE_GATE)
    if gate is not None:
        gate.enter(connection.connection.dbapi_connection)
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def short_transaction() -> Iterator[Session]:
    """The app's session for a short transaction of its own, committed at the end of the block
    (rolled back if it raises): for work that records at once what another server was told, with
    no transaction open while it is told (the xAPI delivery, the mail outbox's drain)."""
    try:
        yield db.session
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def wrote_nothing(session: Session) -> bool:
    """Whether ``session``'s transaction is known to have nothing to commit: no object new,
    changed or deleted in the session, and either no connection begun in the transaction (the
    request's reads went elsewhere, ``lms.core.driver``) or, on SQLite, no row inserted, updated or
    deleted on its connection since the transaction began (the connection's ``total_changes`` as it
    was then, noted by ``_note_changes_at_begin``), be it through the ORM's flushes or a statement
    of its own. Not known on another database (PostgreSQL) once a connection has begun: False.

    For the end of a request that only read (``lms.core.setup``): its transaction then ends
    without the commit, rolled back when the session is removed, which for a transaction that
    wrote nothing is the same and costs less CPU."""
    if session.new or session.dirty or session.deleted:
        return False
    transaction = session.get_transaction()
    if transaction is None:
        return True
    noted = session.info.get(_CHANGES_AT_BEGIN)
    if noted is None or noted[0] is not transaction:
        return True  # no connection begun in it: nothing went to the database
    return all(
        changes is not None and connection.total_changes == changes for connection, changes in noted[1]
    )


@event.listens_for(Session, "after_begin")
def _note_changes_at_begin(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    """Note, for ``wrote_nothing``, how many rows the SQLite connection a session's transaction
    begins on had changed so far (None for another database)."""
    if transaction.parent is not None:
        return  # a savepoint of the session's: what its root transaction noted holds
    dbapi_connection = connection.connection.dbapi_connection
    changes = dbapi_connection.total_changes if connection.dialect.name == "sqlite" else None
    noted = session.info.get(_CHANGES_AT_BEGIN)
    if noted is None or noted[0] is not transaction:
        noted = session.info[_CHANGES_AT_BEGIN] = (transaction, [])
    noted[1].append((dbapi_connection, changes))
