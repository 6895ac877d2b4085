"""Statements run on the database driver's own connection, for a request whose CPU was mostly
SQLAlchemy's machinery around a handful of statements: the player's answer, taken ahead of Flask
(``lms.learning.answer_wsgi``), the signed-in person's query of every page
(``lms.accounts.sessions.signed_in_person``) and the module start page's
(``lms.learning.services.start_page``). Measured there, the ORM session's transaction (begin, the
write lock, commit, close) and Core's execution of each statement cost more than the rest of the
answer, and about a fifth of the start page's CPU.

The statements are still SQLAlchemy's: a Core construct is compiled once for the dialect
(``Prepared``), and its parameters and columns go through the processors of their SQLAlchemy types,
so the driver gets what SQLAlchemy would send. Left out is the machinery of each execution
(execution context, compiled cache lookup, result objects) and its events: no
``before_cursor_execute`` listener sees these statements.

``driver_work`` gives the connection, in the transaction the work needs:

- from the pool of the session's engine: the reads run as they come (SQLite: each its own
  snapshot; PostgreSQL: in the transaction they open), and ``DriverWork.begin_writing`` takes the
  write lock on SQLite behind the file's write gate, as ``transactions.begin_with_write_lock`` does
  for the session;
- where the session is bound to a connection already in a transaction (the tests'), that connection,
  the writes in a savepoint, as the session's own commits are there.

Statements that run as ``OnSession`` instead go through the session's connection, so code such as
``services.write_answer`` serves both ways.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import sqlalchemy as sa

from lms.core import transactions
from lms.core.write_gate import WRITE_GATE
from lms.extensions import db

SAVEPOINT = "driver_work"


class Prepared:
    """``statement`` compiled once for ``dialect``, for the parameters named ``keys`` (an insert's
    columns; None for a statement whose parameters are all bound in it)."""

    def __init__(self, statement: sa.Executable, dialect: sa.Dialect, keys: list[str] | None = None):
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a list bound to IN is not prepared: run it through SQLAlchemy")
        self.sql = compiled.string
        self.positional = compiled.positional
        names = compiled.positiontup if compiled.positional else list(compiled.binds)
        binds = [(name, compiled.binds[name]) for name in names]
        self.binds = [
            (name, bind.effective_value, _bind_processor(bind, dialect)) for name, bind in binds
        ]
        self.dialect = dialect
        self.columns = list(statement.exported_columns)  # selected, or returned
        self.row_type = namedtuple("Row", [column.key for column in self.columns], rename=True)
        self.results: list[Callable | None] | None = None  # from the first result's description

    def parameters(self, values: Mapping[str, Any]) -> tuple | dict:
        processed = []
        for name, default, process in self.binds:
            value = values.get(name, default)
            processed.append(process(value) if process else value)
        if self.positional:
            return tuple(processed)
        return dict(zip((name for name, _, _ in self.binds), processed, strict=True))

    def rows(self, cursor, raws: list[tuple]) -> list[tuple]:
        """The rows as the driver gave them, as SQLAlchemy would (named tuples); the columns'
        processors depend on the types the driver says it returns (``cursor.description``)."""
        if self.results is None:
            self.results = [
                column.type.dialect_impl(self.dialect).result_processor(self.dialect, described[1])
                for column, described in zip(self.columns, cursor.description, strict=True)
            ]
        return [self._row(raw) for raw in raws]

    def _row(self, raw: tuple) -> tuple:
        return self.row_type._make(
            process(value) if process else value
            for process, value in zip(self.results, raw, strict=True)
        )


def _bind_processor(bind: sa.BindParameter, dialect: sa.Dialect) -> Callable | None:
    return bind.type.dialect_impl(dialect).bind_processor(dialect)


class Statements(Protocol):
    """Where statements run: ``OnSession`` or ``DriverWork``. Rows have their columns by name."""

    dialect: sa.Dialect

    def all(self, statement: sa.Executable, values: Mapping[str, Any]) -> list[tuple]: ...

    def first(self, statement: sa.Executable, values: Mapping[str, Any]) -> tuple | None: ...

    def count(self, statement: sa.Executable, values: Mapping[str, Any]) -> int:
        """The rows the statement changed."""

    def run(self, statement: sa.Executable, values: Mapping[str, Any]) -> None: ...

    def begin_writing(self) -> None:
        """Before the first write (``transactions.begin_writing`` for the session)."""


class OnSession:
    """On the session's connection, in its transaction (a request in Flask)."""

    @property
    def dialect(self) -> sa.Dialect:
        return db.session.connection().dialect

    def all(self, statement: sa.Executable, values: Mapping[str, Any]) -> list[tuple]:
        return db.session.connection().execute(statement, values).all()

    def first(self, statement: sa.Executable, values: Mapping[str, Any]) -> tuple | None:
        return db.session.connection().execute(statement, values).first()

    def count(self, statement: sa.Executable, values: Mapping[str, Any]) -> int:
        return db.session.connection().execute(statement, values).rowcount

    def run(self, statement: sa.Executable, values: Mapping[str, Any]) -> None:
        db.session.connection().execute(statement, values)

    def begin_writing(self) -> None:
        transactions.begin_writing()


class DriverWork:
    """Statements on a driver connection (see the module's docstring); the rows as tuples."""

    def __init__(self, connection, dialect: sa.Dialect, nested: bool):
        self.connection = connection
        self.dialect = dialect
        self.nested = nested
        self.cursor = connection.cursor()
        self.gate = None if nested else connection.info.get(WRITE_GATE)
        self.writing = False
        self.sql: str | None = None
        """The statement run last, for its error."""

    def all(self, statement: sa.Executable, values: Mapping[str, Any]) -> list[tuple]:
        prepared = self._execute(statement, values)
        return prepared.rows(self.cursor, self.cursor.fetchall())

    def first(self, statement: sa.Executable, values: Mapping[str, Any]) -> tuple | None:
        prepared = self._execute(statement, values)
        raw = self.cursor.fetchone()
        return None if raw is None else prepared.rows(self.cursor, [raw])[0]

    def count(self, statement: sa.Executable, values: Mapping[str, Any]) -> int:
        self.run(statement, values)
        return self.cursor.rowcount

    def run(self, statement: sa.Executable, values: Mapping[str, Any]) -> None:
        self._execute(statement, values)

    def begin_writing(self) -> None:
        """Before the first write: the write lock on SQLite (behind the write gate), or a savepoint
        in the bind's own transaction."""
        if self.nested:
            self.cursor.execute(f"SAVEPOINT {SAVEPOINT}")
            self.writing = True
            return
        self.writing = True  # from here on, the work's end lets the gate go, even if BEGIN fails
        if self.dialect.name == "sqlite":
            if self.gate is not None:
                self.gate.enter(self.connection.dbapi_connection)
            self.cursor.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self.nested:
            if self.writing:
                self.cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
        else:
            self.connection.commit()
        self._written()

    def roll_back(self) -> None:
        if self.nested:
            if self.writing:
                self.cursor.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
                self.cursor.execute(f"RELEASE SAVEPOINT {SAVEPOINT}")
        else:
            self.connection.rollback()
        self._written()

    def _written(self) -> None:
        if self.writing and self.gate is not None:
            self.gate.leave(self.connection.dbapi_connection)
        self.writing = False

    def _execute(self, statement: sa.Executable, values: Mapping[str, Any]) -> Prepared:
        """Runs the statement: the one way every statement of the work goes (the tests' query
        counts wrap it, as SQLAlchemy's ``before_cursor_execute`` event does not see it)."""
        prepared = self._prepared(statement, values)
        self.sql = prepared.sql
        self.cursor.execute(prepared.sql, prepared.parameters(values))
        return prepared

    def _prepared(self, statement: sa.Executable, values: Mapping[str, Any]) -> Prepared:
        key = (statement, tuple(values) if isinstance(statement, sa.Insert) else None)
        prepared = _prepared.get((self.dialect, key))
        if prepared is None:
            keys = list(values) if isinstance(statement, sa.Insert) else None
            prepared = Prepared(statement, self.dialect, keys)
            if len(_prepared) < KEPT_STATEMENTS:
                _prepared[(self.dialect, key)] = prepared
        return prepared


KEPT_STATEMENTS = 64
_prepared: dict[tuple, Prepared] = {}
"""The statements prepared so far, by dialect, statement and an insert's columns. The statements
are meant to be module-level constants, built once; past ``KEPT_STATEMENTS`` a statement is
compiled each time it runs rather than kept."""


@contextmanager
def driver_work() -> Iterator[DriverWork]:
    """A ``DriverWork`` on a connection of the session's bind (see the module's docstring). Work
    the block did not commit is rolled back. The driver's errors come out as SQLAlchemy's
    (``_sqlalchemy_errors``)."""
    bind = db.session.session_factory.kw.get("bind") or db.engine  # making no session
    nested = isinstance(bind, sa.Connection)
    with _sqlalchemy_errors(bind.dialect):
        connection = bind.connection if nested else bind.raw_connection()
    work = DriverWork(connection, bind.dialect, nested)
    try:
        with _sqlalchemy_errors(bind.dialect, work):
            try:
                yield work
            finally:
                if work.writing:
                    work.roll_back()
    finally:
        if not nested:
            connection.close()  # back to the pool, which rolls back a transaction still open


@contextmanager
def _sqlalchemy_errors(dialect: sa.Dialect, work: DriverWork | None = None) -> Iterator[None]:
    """The driver's errors raised as a session raises them (``sa.exc.DBAPIError``, of the kind
    the driver's error is), so that they are handled alike: a database out of reach answers 503
    (``xapi.db.database_unavailable``). A connection the error says is lost is invalidated, so that
    the pool does not hand it out again."""
    try:
        yield
    except dialect.loaded_dbapi.Error as error:
        lost = work is not None and dialect.is_disconnect(
            error, work.connection.dbapi_connection, work.cursor
        )
        if lost and not work.nested:
            work.connection.invalidate(error)
        raise sa.exc.DBAPIError.instance(
            work.sql if work is not None else None,
            None,
            error,
            dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=dialect,
        ) from error
