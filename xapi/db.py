"""What the xAPI tables share with any SQLAlchemy application: a UTC timestamp type and the
constraint naming convention. ``lms.db`` uses the same two."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC timestamp, also on SQLite (which forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
"""The metadata the xAPI tables (outbox, built-in LRS) are defined on. An application puts its own
tables on it too, so one set of migrations covers both."""


RETRY_AFTER_SECONDS = 10
"""What a 503 for an unavailable database asks clients to wait (``Retry-After``)."""

UNAVAILABLE_SQLSTATES = ("57P01", "57P02", "57P03", "53300")
"""PostgreSQL: shut down by the administrator, crashed, still starting, too many connections; and
every connection exception (class ``08``)."""

UNAVAILABLE_SQLITE_ERRORS = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN")
"""SQLite: locked by another writer past the busy timeout (``database is locked``), or the file
cannot be opened."""


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database cannot be reached or is busy now (answer 503 and ask
    the client to retry), as opposed to a mistake in a query or in the data (a constraint, bad SQL),
    which is a bug or a bad request and stays what it is.

    Here, in the lowest layer, so that the built-in LRS and the platform's own pages and API use one
    rule."""
    if isinstance(error, sa.exc.TimeoutError):
        return True  # no connection free in the pool
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True  # the connection dropped while in use
    if not isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError):
        return False
    sqlite_error = getattr(error.orig, "sqlite_errorname", None)
    if sqlite_error is not None:
        return sqlite_error.startswith(UNAVAILABLE_SQLITE_ERRORS)
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES
    return error.statement is None  # failed before any statement was sent: connecting
