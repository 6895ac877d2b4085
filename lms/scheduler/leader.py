"""Electing the one process that runs the scheduler's jobs.

On PostgreSQL: a session-level advisory lock, taken with ``pg_try_advisory_lock`` on a connection of
its own that the process keeps open. The server lets go of it when that connection ends, so a crashed
or killed leader is replaced at the next try of another process, with no clock involved.

Elsewhere (SQLite): a lease row in ``scheduler_leases`` with an expiry, renewed at every try by its
holder and taken over by another process once it has expired (``LEASE_SECONDS`` after the holder's
last renewal).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lms.db import utcnow

log = logging.getLogger(__name__)
LOCK_ID = 0x4C5643  # "LVC"
LEASE_NAME = "scheduler"
LEASE_SECONDS = 90


class Leadership:
    """``holds()`` says whether this process is (now) the leader, trying to become it if not."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._connection: Connection | None = None
        self._mutex = threading.Lock()

    def holds(self) -> bool:
        with self._mutex:
            try:
                if self.engine.dialect.name == "postgresql":
                    return self._advisory()
                return self._lease()
            except sa.exc.SQLAlchemyError:
                log.exception("could not take part in the scheduler election")
                return False

    def _advisory(self) -> bool:
        if self._connection is not None:
            try:
                self._connection.exec_driver_sql("SELECT 1")
                return True
            except sa.exc.DBAPIError:
                self._drop()
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = connection.execute(sa.text("SELECT pg_try_advisory_lock(:id)"), {"id": LOCK_ID}).scalar()
        if got:
            self._connection = connection
            return True
        connection.close()
        return False

    def _drop(self) -> None:
        try:
            if self._connection is not None:
                self._connection.invalidate()
                self._connection.close()
        finally:
            self._connection = None

    def _lease(self) -> bool:
        from lms.scheduler.models import SchedulerLease

        table = SchedulerLease.__table__
        now = utcnow()
        expires = now + timedelta(seconds=LEASE_SECONDS)
        with self.engine.begin() as connection:
            renewed = connection.execute(
                table.update()
                .where(
                    table.c.name == LEASE_NAME,
                    sa.or_(table.c.holder == self.me, table.c.expires_at < now),
                )
                .values(holder=self.me, expires_at=expires)
            ).rowcount
            if renewed:
                return True
            exists = connection.execute(
                sa.select(table.c.name).where(table.c.name == LEASE_NAME)
            ).first()
            if exists is not None:
                return False
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    table.insert().values(name=LEASE_NAME, holder=self.me, expires_at=expires)
                )
            return True
        except sa.exc.IntegrityError:
            return False

    def release(self) -> None:
        with self._mutex:
            if self.engine.dialect.name == "postgresql":
                if self._connection is not None:
                    try:
                        self._connection.execute(
                            sa.text("SELECT pg_advisory_unlock(:id)"), {"id": LOCK_ID}
                        )
                        self._connection.close()
                    except sa.exc.DBAPIError:
                        pass
                    self._connection = None
                return
            from lms.scheduler.models import SchedulerLease

            table = SchedulerLease.__table__
            with self.engine.begin() as connection:
                connection.execute(
                    table.delete().where(table.c.name == LEASE_NAME, table.c.holder == self.me)
                )


def leadership(app) -> Leadership:
    """The app's ``Leadership`` (one per process and app)."""
    found = app.extensions.get("lms.leadership")
    if found is None:
        from lms.extensions import db

        with app.app_context():
            found = Leadership(db.engine)
        app.extensions["lms.leadership"] = found
    return found
