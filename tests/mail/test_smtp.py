"""The outbox over SMTP (``LMS_SMTP_HOST`` set), with ``smtplib.SMTP`` replaced by a recording
fake: one connection for a transaction's messages, each sent as it was queued, and a server that
cannot be reached leaves them for the drain."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.mail import Attachment, outbox, queue_mail
from lms.mail.outbox import PENDING, SENT
from tests.mail.test_outbox import drain_at, rows


class FakeSMTP:
    connections: list[FakeSMTP] = []
    down = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        if FakeSMTP.down:
            raise ConnectionRefusedError(111, "Connection refused")
        self.host, self.port, self.sent, self.steps = host, port, [], []
        FakeSMTP.connections.append(self)

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *_exc) -> None:
        self.steps.append("quit")

    def starttls(self) -> None:
        self.steps.append("starttls")

    def login(self, user: str, password: str) -> None:
        self.steps.append(f"login {user}")

    def send_message(self, message) -> None:
        self.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch) -> type[FakeSMTP]:
    FakeSMTP.connections, FakeSMTP.down = [], False
    monkeypatch.setattr(outbox.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.testvik.no")
    monkeypatch.setitem(app.config, "SMTP_USER", "lms")
    return FakeSMTP


def test_a_transactions_mail_goes_over_one_connection_as_it_was_queued(app, smtp):
    invitation = Attachment("samling.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    with app.app_context():
        queue_mail("nils@testvik.no", "Påminnelse", "Hei Nils, ta «Smittevern» før fredag.")
        queue_mail("aisha@testvik.no", "Invitasjon", "Velkommen", [invitation])
        db.session.commit()
    [connection] = smtp.connections
    assert connection.steps == ["starttls", "login lms", "quit"]
    first, second = connection.sent
    assert first["To"] == "nils@testvik.no" and first["Subject"] == "Påminnelse"
    assert first.get_content().strip() == "Hei Nils, ta «Smittevern» før fredag."
    [part] = list(second.iter_attachments())
    assert part.get_filename() == "samling.ics" and part.get_content_type() == "text/calendar"
    assert [row.status for row in rows(app)] == [SENT, SENT]


def test_an_unreachable_server_leaves_the_mail_for_the_drain(app, smtp):
    smtp.down = True
    with app.app_context():
        queue_mail("nils@testvik.no", "Påminnelse", "Ta modulen")
        queue_mail("aisha@testvik.no", "Påminnelse", "Ta modulen")
        db.session.commit()
    assert [(row.status, row.attempts) for row in rows(app)] == [(PENDING, 1), (PENDING, 1)]
    smtp.down = False
    assert drain_at(app, utcnow() + timedelta(minutes=2)).sent == 2
    [connection] = smtp.connections
    assert [message["To"] for message in connection.sent] == ["nils@testvik.no", "aisha@testvik.no"]
