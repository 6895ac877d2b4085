"""Outgoing mail, through an outbox in the database (``lms.mail.outbox``).

``queue_mail`` adds the message to the ``outgoing_mail`` table in the current transaction: a
rolled-back transaction sends nothing, a committed one keeps its mail whatever happens next. Right
after the commit the messages that transaction queued are sent (one connection for them all, with
no transaction open meanwhile) and marked sent in a short transaction of their own; any that fail
stay in the table for the ``drain-mail`` job (``lms mail drain``), which retries them with back-off.
Without ``LMS_SMTP_HOST`` messages are appended to ``mail.log`` in the instance folder, where a
developer can read them.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lms.db import utcnow
from lms.extensions import db
from lms.mail.outbox import PENDING, Outgoing, OutgoingMail, send_committed, sender

__all__ = ["Attachment", "deliver", "queue_mail"]

_QUEUE_KEY = "lms.outgoing_mail"
"""In a session's ``info``: the transaction's ``_Queued`` messages, until it ends."""
_COMMITTED_KEY = "lms.outgoing_mail.committed"
"""In a session's ``info``: the messages of the transaction that has just committed, to send."""


@dataclass(frozen=True)
class Attachment:
    """A file to attach: ``content`` as bytes, ``mimetype`` such as ``text/calendar``, and extra
    Content-Type parameters (an iCalendar invitation has ``method=REQUEST``)."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class _Queued:
    """The messages one transaction of a session has queued, all claimed with ``token``."""

    token: str
    rows: list[tuple[OutgoingMail, Outgoing]] = field(default_factory=list)


def queue_mail(to: str, subject: str, body: str, attachments: Iterable[Attachment] = ()) -> None:
    """Queue a plain-text message, with any attachments: added to the outbox in the current
    transaction, and sent when it commits (or later by the drain, if sending fails then)."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="laerevakt")
    message.set_content(body)
    for attachment in attachments:
        maintype, _, subtype = attachment.mimetype.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
            params=attachment.params,
        )
    session = db.session()
    queued = session.info.get(_QUEUE_KEY)
    if queued is None:
        queued = session.info[_QUEUE_KEY] = _Queued(uuid.uuid4().hex)
    now = utcnow()
    text = message.as_string()
    row = OutgoingMail(
        recipient=to,
        message=text,
        status=PENDING,
        created_at=now,
        attempts=0,
        next_attempt_at=now,
        claimed_by=queued.token,
        claimed_at=now,
    )
    session.add(row)
    queued.rows.append((row, Outgoing(0, to, text, 0, now, now)))


def deliver(message: EmailMessage) -> None:
    """Send one message at once, outside the outbox (raises ``OSError`` or ``SMTPException``)."""
    with sender(current_app.config) as send:
        send(message.as_string())


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """Keep what the committed transaction queued, to send once it has ended. A message queued in a
    savepoint that was rolled back was expunged with its row, and is left out."""
    queued: _Queued | None = session.info.pop(_QUEUE_KEY, None)
    if queued is None:
        return
    committed = []
    for row, outgoing in queued.rows:
        state = sa.inspect(row)
        if state.persistent and state.identity:
            committed.append(dataclasses.replace(outgoing, id=state.identity[0]))
    if committed:
        session.info[_COMMITTED_KEY] = (queued.token, committed)


@event.listens_for(Session, "after_transaction_end")
def _send_committed(session: Session, transaction: SessionTransaction) -> None:
    """When a session's transaction has ended: send what it committed (``send_committed``), or
    forget what it queued if it was rolled back."""
    if transaction.parent is not None:
        return
    session.info.pop(_QUEUE_KEY, None)
    committed = session.info.pop(_COMMITTED_KEY, None)
    if committed is not None:
        token, rows = committed
        try:
            send_committed(session, token, rows)
        except Exception:
            # The caller's commit stands: the rows stay claimed, and the drain sends them once the
            # claim has lapsed.
            current_app.logger.exception("could not send %d committed mails at once", len(rows))
            session.rollback()
