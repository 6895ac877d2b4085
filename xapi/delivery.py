"""Sending the outbox to the LRS.

One ``deliver`` call takes due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers running at
once never take the same row), posts them in batches and records the outcome, in one transaction per
batch: if the worker dies mid-batch, nothing is marked and the rows are sent again, which the LRS
recognises by statement id. Errors and time-outs back off exponentially with jitter; ``Retry-After``
and a backoff both hold back every post to the LRS, not just the batch that met them; a rejected batch
is split until the bad statement is found, and only that one goes to the dead-letter list with the
LRS's reason; 401/403 pause delivery and raise an alert. A statement the LRS already has with the
same content is accepted again (2xx), since our ids are made once per event; 409 means the LRS has
*different* content under that id, a real conflict, which goes to the dead letters.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from xapi.client import LRS, PostResult
from xapi.db import utcnow
from xapi.outbox import DEAD, PENDING, SENT, delivery_state, outbox

log = logging.getLogger("xapi.delivery")

AUTH_FAILED = {401, 403}
TRY_LATER = {429, 503}


@dataclass(frozen=True)
class DeliverySettings:
    batch_size: int = 100
    max_batches: int = 50
    base_backoff: float = 2.0
    max_backoff: float = 3600.0
    auth_pause: float = 600.0


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    paused: bool = False
    errors: list[str] = field(default_factory=list)


def backoff(tries: int, settings: DeliverySettings, rng: Callable[[], float] = random.random) -> float:
    """Seconds before try ``tries + 1``: exponential, capped, with full jitter between half and all."""
    ceiling = min(settings.max_backoff, settings.base_backoff * 2**tries)
    return ceiling * (0.5 + rng() / 2)


def deliver(
    transaction: Callable[[], AbstractContextManager[Session]],
    lrs_for: Callable[[Session], LRS],
    settings: DeliverySettings | None = None,
    now: Callable[[], datetime] = utcnow,
) -> Report:
    """Send due statements until none are left, delivery pauses, or ``max_batches`` is reached.

    ``transaction()`` gives a session in a new transaction and commits it at the end of the block;
    ``lrs_for(session)`` the LRS to post to (the built-in one works in that session).
    """
    settings = settings or DeliverySettings()
    report = Report()
    for _ in range(settings.max_batches):
        with transaction() as session:
            if _paused(session, now()):
                report.paused = True
                break
            rows = _claim(session, now(), settings.batch_size)
            if not rows:
                break
            keep_going = _send(session, lrs_for(session), rows, settings, now(), report)
        if not keep_going:
            break
    return report


def _paused(session: Session, at: datetime) -> bool:
    until = session.scalar(sa.select(delivery_state.c.paused_until))
    return until is not None and until > at


def _claim(session: Session, at: datetime, limit: int) -> list[sa.Row]:
    query = (
        sa.select(outbox.c.id, outbox.c.statement_id, outbox.c.statement, outbox.c.tries)
        .where(outbox.c.status == PENDING, outbox.c.due_at <= at)
        .order_by(outbox.c.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.execute(query))


def _send(
    session: Session,
    lrs: LRS,
    rows: list[sa.Row],
    settings: DeliverySettings,
    at: datetime,
    report: Report,
) -> bool:
    """Post ``rows``; record what happened to each. Returns False when delivery should stop for now."""
    result = lrs.post_statements([json.loads(row.statement) for row in rows])
    if result.ok:
        _mark_sent(session, rows, at)
        report.sent += len(rows)
        return True
    if result.status in AUTH_FAILED:
        _pause(session, at, settings, f"LRS refused our credentials ({result.status}): {result.error}")
        report.paused = True
        return False
    if refused(result.status) and len(rows) > 1:
        middle = len(rows) // 2
        return _send(session, lrs, rows[:middle], settings, at, report) and _send(
            session, lrs, rows[middle:], settings, at, report
        )
    if refused(result.status):
        _mark_dead(session, rows, result)
        report.dead += 1
        return True
    _retry_later(session, rows, result, settings, at)
    report.retried += len(rows)
    report.errors.append(f"{result.status}: {result.error}")
    return False


def refused(status: int) -> bool:
    """A client error about the statements themselves (400, 409 conflict, 413, 422, ...): sending the
    same again cannot succeed. 401/403 are about us, 408/429 about timing: those are retried."""
    return 400 <= status < 500 and status not in AUTH_FAILED | TRY_LATER | {408}


def _mark_sent(session: Session, rows: list[sa.Row], at: datetime) -> None:
    session.execute(
        outbox.update()
        .where(outbox.c.id.in_([row.id for row in rows]))
        .values(status=SENT, sent_at=at, last_error=None)
    )


def _mark_dead(session: Session, rows: list[sa.Row], result: PostResult) -> None:
    for row in rows:
        log.warning("statement %s refused by the LRS: %s", row.statement_id, result.error)
    session.execute(
        outbox.update()
        .where(outbox.c.id.in_([row.id for row in rows]))
        .values(status=DEAD, last_error=f"{result.status}: {result.error}", tries=outbox.c.tries + 1)
    )


def _retry_later(
    session: Session,
    rows: list[sa.Row],
    result: PostResult,
    settings: DeliverySettings,
    at: datetime,
) -> None:
    """The LRS is down or busy: wait before posting anything at all, for ``Retry-After`` when it gave
    one, else for a backoff that grows with how often this batch has failed."""
    tries = max(row.tries for row in rows)
    wait = result.retry_after if result.retry_after is not None else backoff(tries, settings)
    resume_at = at + timedelta(seconds=wait)
    session.execute(
        outbox.update()
        .where(outbox.c.id.in_([row.id for row in rows]))
        .values(
            due_at=resume_at, tries=outbox.c.tries + 1, last_error=f"{result.status}: {result.error}"
        )
    )
    _set_state(session, at, paused_until=resume_at, alert=None)


def _pause(session: Session, at: datetime, settings: DeliverySettings, alert: str) -> None:
    log.error("xAPI delivery paused: %s", alert)
    _set_state(session, at, paused_until=at + timedelta(seconds=settings.auth_pause), alert=alert)


def _set_state(
    session: Session, at: datetime, *, paused_until: datetime | None, alert: str | None
) -> None:
    values = {"paused_until": paused_until, "alert": alert, "updated_at": at}
    if session.execute(delivery_state.update().values(**values)).rowcount == 0:
        session.execute(delivery_state.insert().values(**values))


def resume(session: Session, at: datetime | None = None) -> None:
    """Lift a pause (after the credentials are fixed)."""
    session.execute(
        delivery_state.update().values(paused_until=None, alert=None, updated_at=at or utcnow())
    )
