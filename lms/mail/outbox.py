"""The mail outbox: every message ``lms.mail.queue_mail`` queued, until it is sent or given up.

A row is ``pending`` until the mail server has taken it (``sent``, with ``sent_at``) or until it
has failed for a day (``failed``, with the last error, logged as an error). A failed try sets
``next_attempt_at`` after a back-off (``RETRY_MINUTES``: 1, 5, 15 and 60 minutes, then hourly) and
``last_error``. A 5xx refusal is tried again too: "relaying denied" or a refused sender is as
likely a setting to fix as a bad address.

**Claims.** A process sending a row has claimed it: ``claimed_by`` is its token and ``claimed_at``
when it claimed. A row is inserted claimed by the transaction that queued it, which sends it
right after its commit (``send_committed``); the drain (``drain``, the ``drain-mail`` job and
``lms mail drain``) takes only due rows with no claim or a claim older than ``CLAIM_SECONDS``, in
a short transaction of its own (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so drains running at
once never take the same row; on SQLite a transaction that may write takes the write lock when it
begins, so claims are taken one at a time anyway). The outcome is recorded only on rows that
still carry the claim.

**At least once, not more in practice.** A process killed between sending and recording leaves
its rows claimed; once the claim is older than ``CLAIM_SECONDS`` the drain takes and sends them
again, so such a message arrives twice. Nothing else sends a row twice: a sender stops before its
claim could lapse (``SEND_SECONDS``) and gives the rest back.
"""

from __future__ import annotations

import email
import email.policy
import logging
import smtplib
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, Session, mapped_column

from lms.core.transactions import short_transaction
from lms.db import utcnow
from lms.extensions import db

log = logging.getLogger("lms.mail")

PENDING, SENT, FAILED = "pending", "sent", "failed"
RETRY_MINUTES = (1, 5, 15, 60)
"""Minutes before the next try after the first, second, ... failure; the last one repeats."""
GIVE_UP_AFTER = timedelta(days=1)
"""A message still failing this long after it was queued is marked failed."""
CLAIM_SECONDS = 300
"""How long a claim holds a row; a claim older than this is taken again by the drain."""
SEND_SECONDS = CLAIM_SECONDS / 2
"""A sender stops taking new rows of its claim this long after claiming (and gives the rest
back), and a committed transaction's rows are left to the drain if queued longer ago than this:
so nothing is sent after its claim may have lapsed."""
BATCH_SIZE = 50
MAX_BATCHES = 20


class OutgoingMail(db.Model):
    """A message queued for sending, as its RFC 5322 text (``lms.mail.outbox``)."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (sa.Index("ix_outgoing_mail_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    message: Mapped[str] = mapped_column(sa.Text)
    """The whole message (headers and body) as ``EmailMessage.as_string()`` made it."""
    status: Mapped[str] = mapped_column(sa.String(10), default=PENDING)
    created_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(32))
    claimed_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Outgoing:
    """A row taken to be sent (no ORM object: it is sent with no transaction open)."""

    id: int
    recipient: str
    message: str
    attempts: int
    created_at: datetime
    claimed_at: datetime


@dataclass(frozen=True)
class Failure:
    error: str


NOT_TRIED = Failure("not tried")
"""The outcome of a row the sender gave back untried (its time was up): claimable again at once."""

Outcome = Failure | None
"""None: sent."""

Send = Callable[[str], None]


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


@contextmanager
def sender(config: Mapping) -> Iterator[Send]:
    """One connection to the mail server (or to ``mail.log`` without ``SMTP_HOST``), as a function
    that sends a message's text. Raises ``OSError`` or ``SMTPException``."""
    if not config["SMTP_HOST"]:
        log_file = config["INSTANCE_PATH"] / "mail.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("a", encoding="utf-8") as handle:

            def append(text: str) -> None:
                handle.write(text + "\n" + "=" * 72 + "\n")
                handle.flush()

            yield append
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")

        def send(text: str) -> None:
            smtp.send_message(email.message_from_string(text, policy=email.policy.default))

        yield send


_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
"""Errors about one message: the connection goes on with the next."""


def send_all(rows: list[Outgoing], config: Mapping, deadline: float) -> dict[int, Outcome]:
    """Send ``rows`` over one connection, until ``deadline`` (``time.monotonic``); the outcome of
    each by id. A connection that fails fails the rows not yet sent."""
    outcomes: dict[int, Outcome] = {}
    try:
        with sender(config) as send:
            for row in rows:
                if time.monotonic() > deadline:
                    break
                try:
                    send(row.message)
                    outcomes[row.id] = None
                except _REFUSED as error:
                    outcomes[row.id] = Failure(f"{type(error).__name__}: {error}")
                except (OSError, smtplib.SMTPException):
                    raise
                except Exception as error:  # a message that cannot be sent (say, bad headers)
                    log.exception("mail %s could not be sent", row.id)
                    outcomes[row.id] = Failure(f"{type(error).__name__}: {error}")
    except (OSError, smtplib.SMTPException) as error:
        failure = Failure(f"{type(error).__name__}: {error}")
        for row in rows:
            outcomes.setdefault(row.id, failure)
    for row in rows:
        outcomes.setdefault(row.id, NOT_TRIED)
    return outcomes


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try (1, 5, 15, 60, 60 ... minutes)."""
    return timedelta(minutes=RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1])


def record(
    session: Session, token: str, rows: list[Outgoing], outcomes: dict[int, Outcome], at: datetime
) -> Report:
    """Write what became of ``rows`` (claimed with ``token``), on those that still carry the claim."""
    table = OutgoingMail.__table__
    c = table.c
    report = Report()
    mine = sa.and_(c.claimed_by == token, c.status == PENDING)
    sent = [row.id for row in rows if outcomes[row.id] is None]
    if sent:
        session.execute(
            table.update()
            .where(c.id.in_(sent), mine)
            .values(
                status=SENT,
                sent_at=at,
                attempts=c.attempts + 1,
                last_error=None,
                claimed_by=None,
                claimed_at=None,
            )
        )
        report.sent = len(sent)
    untried = [row.id for row in rows if outcomes[row.id] is NOT_TRIED]
    if untried:
        session.execute(
            table.update().where(c.id.in_(untried), mine).values(claimed_by=None, claimed_at=None)
        )
    for row in rows:
        failure = outcomes[row.id]
        if failure is None or failure is NOT_TRIED:
            continue
        attempts = row.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts,
            "last_error": failure.error[:2000],
            "claimed_by": None,
            "claimed_at": None,
        }
        if at - row.created_at >= GIVE_UP_AFTER:
            values["status"] = FAILED
            log.error(
                "mail %s to %s failed after %d tries, given up: %s",
                row.id,
                row.recipient,
                attempts,
                failure.error,
            )
            report.failed += 1
        else:
            values["next_attempt_at"] = at + retry_delay(attempts)
            log.warning(
                "mail %s to %s not sent (try %d): %s", row.id, row.recipient, attempts, failure.error
            )
            report.retried += 1
        report.errors.append(failure.error)
        session.execute(table.update().where(c.id == row.id, mine).values(**values))
    return report


def send_committed(session: Session, token: str, rows: list[Outgoing]) -> None:
    """Send the rows a transaction of ``session`` queued and has just committed (with no
    transaction open), and record the outcome in a short transaction of its own. Rows queued longer
    ago than ``SEND_SECONDS`` (a long transaction) are left to the drain; so is any that fails."""
    now = utcnow()
    fresh = [row for row in rows if (now - row.claimed_at).total_seconds() < SEND_SECONDS]
    if not fresh:
        return
    oldest = min(row.claimed_at for row in fresh)
    deadline = time.monotonic() + SEND_SECONDS - (now - oldest).total_seconds()
    outcomes = send_all(fresh, current_app.config, deadline)
    try:
        record(session, token, fresh, outcomes, utcnow())
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()
        log.exception("could not record the outcome of %d mails (sent ones may go again)", len(fresh))


Transaction = Callable[[], AbstractContextManager[Session]]


def claim(session: Session, at: datetime, limit: int = BATCH_SIZE) -> tuple[str, list[Outgoing]]:
    """Claim up to ``limit`` due rows (pending, next try due, no claim or a lapsed one): the claim's
    token and the rows."""
    c = OutgoingMail.__table__.c
    claimable = sa.and_(
        c.status == PENDING,
        c.next_attempt_at <= at,
        sa.or_(c.claimed_at.is_(None), c.claimed_at < at - timedelta(seconds=CLAIM_SECONDS)),
    )
    query = sa.select(c.id).where(claimable).order_by(c.next_attempt_at, c.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    token = uuid.uuid4().hex
    if not ids:
        return token, []
    session.execute(
        OutgoingMail.__table__.update()
        .where(c.id.in_(ids), claimable)
        .values(claimed_by=token, claimed_at=at)
    )
    taken = sa.select(c.id, c.recipient, c.message, c.attempts, c.created_at, c.claimed_at).where(
        c.id.in_(ids), c.claimed_by == token
    )
    return token, [Outgoing(*row) for row in session.execute(taken.order_by(c.id))]


def drain(
    transaction: Transaction = short_transaction,
    config: Mapping | None = None,
    now: Callable[[], datetime] | None = None,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
) -> Report:
    """Send the due messages, a batch at a time: each claimed in a short transaction, sent over one
    connection with no transaction open, and its outcome recorded in another. Stops when nothing
    is due, after ``max_batches``, or when a batch got nothing through (the server is down)."""
    config = config if config is not None else current_app.config
    now = now or utcnow
    report = Report()
    for _ in range(max_batches):
        with transaction() as session:
            token, rows = claim(session, now(), batch_size)
        if not rows:
            break
        outcomes = send_all(rows, config, time.monotonic() + SEND_SECONDS)
        with transaction() as session:
            done = record(session, token, rows, outcomes, now())
        report.sent += done.sent
        report.retried += done.retried
        report.failed += done.failed
        report.errors += done.errors
        if not done.sent:
            break
    return report


def drain_mail() -> Report:
    """The ``drain-mail`` job: ``drain`` with the app's config, in the app's session."""
    return drain()


def prune_sent(session: Session, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete mail sent more than ``older_than`` ago; returns how many."""
    c = OutgoingMail.__table__.c
    cutoff = (now or utcnow()) - older_than
    result = session.execute(OutgoingMail.__table__.delete().where(c.status == SENT, c.sent_at < cutoff))
    return result.rowcount or 0


def prune_sent_mail() -> int:
    """The ``prune-sent-mail`` job: sent mail older than ``MAIL_KEEP_SENT_DAYS`` (its bodies hold
    sign-in links and what reminders said)."""
    days = float(current_app.config.get("MAIL_KEEP_SENT_DAYS") or 7)
    return prune_sent(db.session, timedelta(days=days))


@dataclass(frozen=True)
class Status:
    pending: int
    due: int
    oldest_pending: datetime | None
    sent: int
    failed: int


def status(session: Session, now: datetime | None = None) -> Status:
    c = OutgoingMail.__table__.c
    now = now or utcnow()
    counts = dict(session.execute(sa.select(c.status, sa.func.count()).group_by(c.status)).all())
    oldest = session.scalar(sa.select(sa.func.min(c.created_at)).where(c.status == PENDING))
    due = session.scalar(sa.select(sa.func.count()).where(c.status == PENDING, c.next_attempt_at <= now))
    return Status(
        pending=counts.get(PENDING, 0),
        due=due or 0,
        oldest_pending=oldest,
        sent=counts.get(SENT, 0),
        failed=counts.get(FAILED, 0),
    )


def failures(session: Session, limit: int = 20) -> list[sa.Row]:
    c = OutgoingMail.__table__.c
    query = (
        sa.select(c.id, c.recipient, c.attempts, c.last_error, c.created_at)
        .where(c.status == FAILED)
        .order_by(c.id.desc())
        .limit(limit)
    )
    return list(session.execute(query))
