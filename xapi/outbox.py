"""The outbox: statements waiting for the LRS, written in the same transaction as the learning
record they describe. ``record`` validates a statement and adds it; the delivery job sends it.

A row is ``pending`` until the LRS has it (``sent``) or has refused it for good (``dead``, with the
LRS's reason). Sent rows are pruned after a while; dead ones stay until retried. A deliverer that is
posting a pending row has claimed it: ``claimed_by`` names the claim and ``due_at`` is when the claim
lapses (see ``xapi.delivery``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from xapi.db import UTCDateTime, metadata, utcnow
from xapi.validation import validate

PENDING, SENT, DEAD = "pending", "sent", "dead"

outbox = sa.Table(
    "xapi_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("statement_id", sa.String(36), nullable=False, unique=True),
    sa.Column("statement", sa.Text, nullable=False),
    sa.Column("status", sa.String(10), nullable=False, default=PENDING),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("tries", sa.Integer, nullable=False, default=0),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("claimed_by", sa.String(32)),
    sa.Index(None, "status", "due_at"),
)

delivery_state = sa.Table(
    "xapi_delivery_state",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("paused_until", UTCDateTime),
    sa.Column("alert", sa.Text),
    sa.Column("probe_first", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
"""One row: whether delivery is paused (after a failure, or when the LRS refused our credentials),
why, and whether the next post is a one-statement probe of an LRS that failed."""


INSERT = outbox.insert()
"""The insert of an outbox row (``outbox_row``), for a caller that runs it on its own connection."""


def record(session: Session, statement: dict[str, Any], now: datetime | None = None) -> None:
    """Validate ``statement`` (raises InvalidStatement) and add it to the outbox in ``session``'s
    transaction: if the caller rolls back, the statement is gone too."""
    record_all(session, [statement], now)


def record_all(session: Session, statements: list[dict[str, Any]], now: datetime | None = None) -> None:
    """``record`` for many statements, validated first and then added in one executemany."""
    if not statements:
        return
    now = now or utcnow()
    rows = [outbox_row(statement, now) for statement in statements]
    session.connection().execute(INSERT, rows)


def outbox_row(statement: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The outbox row of ``statement``, pending from ``now`` (default: now); validated first
    (raises InvalidStatement)."""
    validate(statement)
    now = now or utcnow()
    return {
        "statement_id": statement["id"],
        "statement": json.dumps(statement, ensure_ascii=False, separators=(",", ":")),
        "status": PENDING,
        "created_at": now,
        "due_at": now,
        "tries": 0,
    }


@dataclass(frozen=True)
class Status:
    pending: int
    oldest_pending: datetime | None
    sent: int
    dead: int
    paused_until: datetime | None
    alert: str | None
    in_flight: int = 0
    """Pending statements a deliverer has claimed and is posting (their claim has not lapsed)."""

    def oldest_age(self, now: datetime) -> timedelta | None:
        return None if self.oldest_pending is None else now - self.oldest_pending


def status(session: Session, now: datetime | None = None) -> Status:
    counts = dict(
        session.execute(sa.select(outbox.c.status, sa.func.count()).group_by(outbox.c.status)).all()
    )
    oldest = session.scalar(
        sa.select(sa.func.min(outbox.c.created_at)).where(outbox.c.status == PENDING)
    )
    state = session.execute(sa.select(delivery_state.c.paused_until, delivery_state.c.alert)).first()
    in_flight = session.scalar(
        sa.select(sa.func.count()).where(
            outbox.c.status == PENDING,
            outbox.c.due_at > (now or utcnow()),
            outbox.c.claimed_by.is_not(None),
        )
    )
    return Status(
        pending=counts.get(PENDING, 0),
        oldest_pending=oldest,
        sent=counts.get(SENT, 0),
        dead=counts.get(DEAD, 0),
        paused_until=state.paused_until if state else None,
        alert=state.alert if state else None,
        in_flight=in_flight or 0,
    )


def dead_letters(session: Session, limit: int = 100) -> list[sa.Row]:
    query = (
        sa.select(outbox.c.statement_id, outbox.c.last_error, outbox.c.created_at, outbox.c.tries)
        .where(outbox.c.status == DEAD)
        .order_by(outbox.c.id)
        .limit(limit)
    )
    return list(session.execute(query))


def retry_dead(session: Session, now: datetime | None = None) -> int:
    """Put every dead statement back in the queue; returns how many."""
    result = session.execute(
        outbox.update()
        .where(outbox.c.status == DEAD)
        .values(status=PENDING, due_at=now or utcnow(), tries=0, last_error=None)
    )
    return result.rowcount or 0


def prune_sent(session: Session, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete statements the LRS confirmed more than ``older_than`` ago; returns how many."""
    cutoff = (now or utcnow()) - older_than
    result = session.execute(outbox.delete().where(outbox.c.status == SENT, outbox.c.sent_at < cutoff))
    return result.rowcount or 0


def sent_ids_between(session: Session, since: datetime, until: datetime) -> list[str]:
    query = sa.select(outbox.c.statement_id).where(
        outbox.c.status == SENT, outbox.c.sent_at >= since, outbox.c.sent_at < until
    )
    return list(session.scalars(query))
