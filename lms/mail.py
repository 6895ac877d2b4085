"""Outgoing mail. Messages are queued on the database session and sent only after it commits, so a
rolled-back request sends nothing. Without ``LMS_SMTP_HOST`` they are appended to ``mail.log`` in the
instance folder, where a developer can read them."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.extensions import db

_QUEUE_KEY = "lms.outgoing_mail"


@dataclass(frozen=True)
class Attachment:
    """A file to attach: ``content`` as bytes, ``mimetype`` such as ``text/calendar``, and extra
    Content-Type parameters (an iCalendar invitation has ``method=REQUEST``)."""

    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"
    params: dict[str, str] = field(default_factory=dict)


def queue_mail(to: str, subject: str, body: str, attachments: Iterable[Attachment] = ()) -> None:
    """Queue a plain-text message, with any attachments, to be sent when the current transaction
    commits."""
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
    db.session().info.setdefault(_QUEUE_KEY, []).append(message)


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    if not config["SMTP_HOST"]:
        log_file = config["INSTANCE_PATH"] / "mail.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        with log_file.open("a", encoding="utf-8") as handle:
            handle.write(message.as_string() + "\n" + "=" * 72 + "\n")
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)


@event.listens_for(Session, "after_commit")
def _send_queued_mail(session: Session) -> None:
    for message in session.info.pop(_QUEUE_KEY, []):
        try:
            deliver(message)
        except (OSError, smtplib.SMTPException):
            current_app.logger.exception("could not send mail to %s", message["To"])


@event.listens_for(Session, "after_rollback")
def _drop_queued_mail(session: Session) -> None:
    session.info.pop(_QUEUE_KEY, None)
