"""Sending the outbox to the LRS.

Each batch goes in three steps, so that no database transaction is open while the LRS is slow:

1. **Claim** (a short transaction): take due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
   workers running at once never take the same row), write a claim token on them and move their
   ``due_at`` to when the claim lapses, commit.
2. **Post** them, outside any transaction.
3. **Record** what the LRS said (another short transaction), on the rows that still carry the claim.

A deliverer that dies between 1 and 3 leaves its rows claimed until the claim lapses; then they are
due again and sent again, which the LRS recognises by statement id (ours are made once per event, and
a statement the LRS already has with the same content is accepted again, 2xx). 409 means the LRS has
*different* content under that id, a real conflict, which goes to the dead letters.

Errors and time-outs back off exponentially with jitter, and ``Retry-After`` and a backoff both hold
back every post to the LRS, not just the batch that met them. After a failure the next post is a
*probe*: one statement, no sooner than the backoff, and at most ``probe_every`` seconds after the last
try (unless the LRS asked for a longer wait). When the probe gets through, everything waiting is due
at once: delivery resumes within ``probe_every`` of the LRS's recovery, and a down LRS sees one small
post every ``probe_every`` seconds. A rejected batch is split until the bad statement is found, and
only that one goes to the dead-letter list with the LRS's reason; 401/403 pause delivery and raise an
alert.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
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
    probe_every: float = 10.0
    """The longest wait between posts to an LRS that failed (each a one-statement probe), unless the
    LRS asked for a longer one with ``Retry-After``."""
    claim_seconds: float = 300.0
    """How long a claim holds rows a deliverer is posting; longer than any post of one batch (with
    its splits) can take, since a lapsed claim lets another deliverer send the rows again."""
    auth_pause: float = 600.0


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    paused: bool = False
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Claim:
    """Rows one deliverer has taken to post: ``token`` marks them as its own, ``probe`` says the
    batch is a one-statement probe of an LRS that failed."""

    token: str
    rows: list[sa.Row]
    probe: bool


def backoff(tries: int, settings: DeliverySettings, rng: Callable[[], float] = random.random) -> float:
    """Seconds before try ``tries + 1``: exponential, capped, with full jitter between half and all."""
    ceiling = min(settings.max_backoff, settings.base_backoff * 2**tries)
    return ceiling * (0.5 + rng() / 2)


Transaction = Callable[[], AbstractContextManager[Session]]


def deliver(
    transaction: Transaction,
    connect: Callable[[], LRS],
    settings: DeliverySettings | None = None,
    now: Callable[[], datetime] = utcnow,
) -> Report:
    """Send due statements until none are left, delivery pauses, or ``max_batches`` is reached.

    ``transaction()`` gives a session in a new transaction and commits it at the end of the block;
    ``connect()`` the LRS to post to, called outside any transaction (an in-process LRS stores in
    a transaction of its own).
    """
    settings = settings or DeliverySettings()
    report = Report()
    lrs: LRS | None = None
    for _ in range(settings.max_batches):
        with transaction() as session:
            claim = _claim_next(session, now(), settings, report)
        if claim is None:
            break
        lrs = lrs or connect()
        if not _send(transaction, lrs, claim, claim.rows, settings, now, report):
            break
    return report


def _claim_next(
    session: Session, at: datetime, settings: DeliverySettings, report: Report
) -> Claim | None:
    """Claim the next batch: None when delivery is paused or nothing is due. After a failure the
    batch is a probe, the oldest waiting statement whether or not its own backoff is over."""
    state = session.execute(
        sa.select(delivery_state.c.paused_until, delivery_state.c.probe_first)
    ).first()
    if state is not None and state.paused_until is not None and state.paused_until > at:
        report.paused = True
        return None
    probe = bool(state is not None and state.probe_first)
    token = uuid.uuid4().hex
    limit = 1 if probe else settings.batch_size
    rows = _claim(session, at, limit, token, at + timedelta(seconds=settings.claim_seconds), probe)
    return Claim(token, rows, probe) if rows else None


def _claim(
    session: Session, at: datetime, limit: int, token: str, lapses_at: datetime, probe: bool
) -> list[sa.Row]:
    c = outbox.c
    claimable = c.due_at <= at
    if probe:
        claimable = sa.or_(claimable, c.claimed_by.is_(None))
    query = sa.select(c.id).where(c.status == PENDING, claimable).order_by(c.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        return []
    session.execute(
        outbox.update()
        .where(c.id.in_(ids), c.status == PENDING, claimable)
        .values(claimed_by=token, due_at=lapses_at)
    )
    query = sa.select(c.id, c.statement_id, c.statement, c.tries).where(
        c.id.in_(ids), c.claimed_by == token
    )
    return list(session.execute(query.order_by(c.id)))


def _send(
    transaction: Transaction,
    lrs: LRS,
    claim: Claim,
    rows: list[sa.Row],
    settings: DeliverySettings,
    now: Callable[[], datetime],
    report: Report,
) -> bool:
    """Post ``rows`` (no transaction open meanwhile); record what happened to each. Returns False
    when delivery should stop for now."""
    result = lrs.post_statements([json.loads(row.statement) for row in rows])
    if refused(result.status) and len(rows) > 1:
        middle = len(rows) // 2
        return _send(transaction, lrs, claim, rows[:middle], settings, now, report) and _send(
            transaction, lrs, claim, rows[middle:], settings, now, report
        )
    at = now()
    with transaction() as session:
        return _record(session, claim, rows, result, settings, at, report)


def _record(
    session: Session,
    claim: Claim,
    rows: list[sa.Row],
    result: PostResult,
    settings: DeliverySettings,
    at: datetime,
    report: Report,
) -> bool:
    if result.status in AUTH_FAILED:
        _release(session, claim, at)
        _pause(session, at, settings, f"LRS refused our credentials ({result.status}): {result.error}")
        report.paused = True
        return False
    if result.ok:
        _mark_sent(session, claim, rows, at)
        report.sent += len(rows)
    elif refused(result.status):
        _mark_dead(session, claim, rows, result)
        report.dead += 1
    else:
        _retry_later(session, claim, rows, result, settings, at)
        report.retried += len(rows)
        report.errors.append(f"{result.status}: {result.error}")
        return False
    if claim.probe:
        _recovered(session, at)
    return True


def refused(status: int) -> bool:
    """A client error about the statements themselves (400, 409 conflict, 413, 422, ...): sending the
    same again cannot succeed. 401/403 are about us, 408/429 about timing: those are retried."""
    return 400 <= status < 500 and status not in AUTH_FAILED | TRY_LATER | {408}


def _mine(claim: Claim, rows: list[sa.Row]):
    """The condition for ``rows`` that still carry ``claim`` (not re-claimed after it lapsed)."""
    return sa.and_(outbox.c.id.in_([row.id for row in rows]), outbox.c.claimed_by == claim.token)


def _mark_sent(session: Session, claim: Claim, rows: list[sa.Row], at: datetime) -> None:
    session.execute(
        outbox.update()
        .where(_mine(claim, rows))
        .values(status=SENT, sent_at=at, last_error=None, claimed_by=None)
    )


def _mark_dead(session: Session, claim: Claim, rows: list[sa.Row], result: PostResult) -> None:
    for row in rows:
        log.warning("statement %s refused by the LRS: %s", row.statement_id, result.error)
    session.execute(
        outbox.update()
        .where(_mine(claim, rows))
        .values(
            status=DEAD,
            last_error=f"{result.status}: {result.error}",
            tries=outbox.c.tries + 1,
            claimed_by=None,
        )
    )


def _retry_later(
    session: Session,
    claim: Claim,
    rows: list[sa.Row],
    result: PostResult,
    settings: DeliverySettings,
    at: datetime,
) -> None:
    """The LRS is down or busy: wait before posting anything at all, for ``Retry-After`` when it gave
    one, else for a backoff that grows with how often this batch has failed, but probe again after
    ``probe_every`` at the latest. The rest of the claim (a split batch's unposted half) waits too."""
    tries = max(row.tries for row in rows)
    wait = result.retry_after if result.retry_after is not None else backoff(tries, settings)
    session.execute(
        outbox.update()
        .where(_mine(claim, rows))
        .values(
            due_at=at + timedelta(seconds=wait),
            tries=outbox.c.tries + 1,
            last_error=f"{result.status}: {result.error}",
            claimed_by=None,
        )
    )
    _release(session, claim, at)
    if result.retry_after is None:
        wait = min(wait, settings.probe_every)
    _set_state(session, at, paused_until=at + timedelta(seconds=wait), alert=None, probe_first=True)


def _release(session: Session, claim: Claim, at: datetime) -> None:
    """Give back the rows of ``claim`` that got no answer, due now (a pause holds them back)."""
    session.execute(outbox.update().where(_mine(claim, claim.rows)).values(claimed_by=None, due_at=at))


def _recovered(session: Session, at: datetime) -> None:
    """A probe got an answer: the LRS is back, so everything waiting for it is due now."""
    session.execute(
        outbox.update()
        .where(outbox.c.status == PENDING, outbox.c.claimed_by.is_(None), outbox.c.due_at > at)
        .values(due_at=at)
    )
    _set_state(session, at, paused_until=None, alert=None, probe_first=False)


def _pause(session: Session, at: datetime, settings: DeliverySettings, alert: str) -> None:
    log.error("xAPI delivery paused: %s", alert)
    paused_until = at + timedelta(seconds=settings.auth_pause)
    _set_state(session, at, paused_until=paused_until, alert=alert, probe_first=True)


def _set_state(
    session: Session,
    at: datetime,
    *,
    paused_until: datetime | None,
    alert: str | None,
    probe_first: bool,
) -> None:
    values = {
        "paused_until": paused_until,
        "alert": alert,
        "probe_first": probe_first,
        "updated_at": at,
    }
    if session.execute(delivery_state.update().values(**values)).rowcount == 0:
        session.execute(delivery_state.insert().values(**values))


def resume(session: Session, at: datetime | None = None) -> None:
    """Lift a pause (after the credentials are fixed); the next post is a probe."""
    session.execute(
        delivery_state.update().values(paused_until=None, alert=None, updated_at=at or utcnow())
    )
