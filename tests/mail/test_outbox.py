"""The mail outbox (``lms.mail``): queued in the transaction, sent right after the commit, kept and
retried with back-off when sending fails, given up after a day, and each row sent once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa

from lms.db import utcnow
from lms.extensions import db
from lms.mail import outbox, queue_mail
from lms.mail.outbox import FAILED, PENDING, SENT, OutgoingMail
from lms.scheduler import jobs
from tests.conftest import read_mail


def rows(app) -> list[OutgoingMail]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)))


@contextmanager
def smtp_down(_config) -> Iterator:
    raise ConnectionRefusedError(111, "Connection refused")
    yield  # pragma: no cover


def drain_at(app, moment: datetime) -> outbox.Report:
    with app.app_context():
        report = outbox.drain(now=lambda: moment)
        db.session.commit()
    return report


def test_a_committed_requests_mail_is_in_the_log_once_and_marked_sent(app, client, org):
    client.submit("/login/link", {"email": org.nurse.email})
    assert read_mail(app).count("To: nils@testvik.no") == 1
    [row] = rows(app)
    assert (row.recipient, row.status, row.attempts, row.claimed_by) == (
        "nils@testvik.no",
        SENT,
        1,
        None,
    )
    assert row.sent_at is not None
    assert "Subject:" in row.message and row.message in read_mail(app)
    assert drain_at(app, utcnow() + timedelta(hours=2)).sent == 0
    assert read_mail(app).count("To: nils@testvik.no") == 1


def test_a_rolled_back_transaction_sends_nothing_and_keeps_nothing(app):
    with app.app_context():
        queue_mail("nils@testvik.no", "Hei", "Ikke sendt")
        db.session.rollback()
        db.session.commit()
    assert read_mail(app) == ""
    assert rows(app) == []


def test_mail_queued_in_a_savepoint_that_was_rolled_back_is_not_sent(app):
    with app.app_context():
        queue_mail("a@testvik.no", "Kept", "The outer transaction's")
        nested = db.session.begin_nested()
        queue_mail("b@testvik.no", "Dropped", "The savepoint's")
        nested.rollback()
        db.session.commit()
    mail = read_mail(app)
    assert "To: a@testvik.no" in mail and "b@testvik.no" not in mail
    assert [row.recipient for row in rows(app)] == ["a@testvik.no"]


def test_smtp_down_keeps_the_mail_which_the_drain_sends_once_after_the_back_off(
    app, monkeypatch, caplog
):
    real_sender = outbox.sender
    monkeypatch.setattr(outbox, "sender", smtp_down)
    with app.app_context():
        queue_mail("nils@testvik.no", "Påminnelse", "Ta modulen")
        db.session.commit()
    committed = utcnow()
    [row] = rows(app)
    assert (row.status, row.attempts, row.sent_at, row.claimed_by) == (PENDING, 1, None, None)
    assert "Connection refused" in row.last_error
    assert timedelta(seconds=55) < row.next_attempt_at - committed <= timedelta(minutes=1)
    assert read_mail(app) == ""

    assert drain_at(app, committed + timedelta(seconds=30)).sent == 0, "not before the back-off"
    monkeypatch.setattr(outbox, "sender", real_sender)
    assert drain_at(app, committed + timedelta(seconds=61)).sent == 1
    assert drain_at(app, committed + timedelta(hours=3)).sent == 0
    assert read_mail(app).count("To: nils@testvik.no") == 1
    [row] = rows(app)
    assert (row.status, row.attempts, row.last_error) == (SENT, 2, None)


def test_the_back_off_is_1_5_15_60_minutes_then_hourly_and_after_a_day_the_mail_failed(
    app, monkeypatch, caplog
):
    monkeypatch.setattr(outbox, "sender", smtp_down)
    with app.app_context():
        queue_mail("nils@testvik.no", "Påminnelse", "Ta modulen")
        db.session.commit()
    [row] = rows(app)
    waits = [row.next_attempt_at - row.created_at]
    moment = row.next_attempt_at
    with caplog.at_level(logging.ERROR, logger="lms.mail"):
        while True:
            report = drain_at(app, moment)
            [row] = rows(app)
            if row.status != PENDING:
                break
            assert report.retried == 1
            waits.append(row.next_attempt_at - moment)
            moment = row.next_attempt_at
    minutes = [round(wait.total_seconds() / 60) for wait in waits]
    assert minutes[:5] == [1, 5, 15, 60, 60] and set(minutes[4:]) == {60}
    assert row.status == FAILED and report.failed == 1
    assert moment - row.created_at >= timedelta(days=1) > moment - row.created_at - timedelta(hours=1)
    assert row.attempts == len(waits) + 1
    assert any("given up" in record.getMessage() for record in caplog.records)
    assert drain_at(app, moment + timedelta(days=2)).sent == 0


def test_a_refused_recipient_is_retried_later_and_the_batch_goes_on(app, monkeypatch):
    import smtplib

    sent: list[str] = []

    @contextmanager
    def refusing(_config):
        def send(text: str) -> None:
            if "To: nobody@" in text:
                raise smtplib.SMTPRecipientsRefused({"nobody@testvik.no": (550, b"no such user")})
            sent.append(text)

        yield send

    monkeypatch.setattr(outbox, "sender", refusing)
    with app.app_context():
        queue_mail("nobody@testvik.no", "Hei", "1")
        queue_mail("nils@testvik.no", "Hei", "2")
        db.session.commit()
    assert [(row.recipient, row.status) for row in rows(app)] == [
        ("nobody@testvik.no", PENDING),
        ("nils@testvik.no", SENT),
    ]
    assert "no such user" in rows(app)[0].last_error
    assert len(sent) == 1


def test_one_connection_for_all_the_mail_a_transaction_queued(app, monkeypatch):
    connections = []
    real_sender = outbox.sender

    @contextmanager
    def counting(config):
        connections.append(1)
        with real_sender(config) as send:
            yield send

    monkeypatch.setattr(outbox, "sender", counting)
    with app.app_context():
        for n in range(5):
            queue_mail(f"p{n}@testvik.no", "Hei", str(n))
        db.session.commit()
    assert len(connections) == 1
    assert read_mail(app).count("Subject: Hei") == 5


def _claimed_row(app, claimed_ago: timedelta, recipient: str) -> None:
    """A row as a process left it that queued it and was killed before it sent it."""
    now = utcnow()
    with app.app_context():
        db.session.add(
            OutgoingMail(
                recipient=recipient,
                message=f"To: {recipient}\nSubject: Left\n\nbody\n",
                status=PENDING,
                created_at=now - claimed_ago,
                attempts=0,
                next_attempt_at=now - claimed_ago,
                claimed_by="killed",
                claimed_at=now - claimed_ago,
            )
        )
        db.session.commit()


def test_a_stale_claim_is_taken_again_and_a_fresh_one_is_not(app):
    _claimed_row(app, timedelta(minutes=10), "stale@testvik.no")
    _claimed_row(app, timedelta(minutes=1), "fresh@testvik.no")
    assert drain_at(app, utcnow()).sent == 1
    assert "stale@testvik.no" in read_mail(app) and "fresh@testvik.no" not in read_mail(app)
    assert drain_at(app, utcnow() + timedelta(minutes=5)).sent == 1
    assert read_mail(app).count("Subject: Left") == 2


def test_a_transaction_that_ran_past_the_claim_leaves_its_mail_to_the_drain(app, monkeypatch):
    with app.app_context():
        queue_mail("nils@testvik.no", "Sent", "late")
        later = utcnow() + timedelta(seconds=outbox.SEND_SECONDS + 1)
        monkeypatch.setattr("lms.mail.outbox.utcnow", lambda: later)
        db.session.commit()
    assert read_mail(app) == ""
    [row] = rows(app)
    assert row.status == PENDING and row.claimed_by is not None
    assert drain_at(app, utcnow()).sent == 0, "its claim holds until it lapses"
    assert drain_at(app, utcnow() + timedelta(seconds=outbox.CLAIM_SECONDS + 1)).sent == 1


def test_the_drain_is_a_scheduled_job_and_a_command(app, monkeypatch):
    assert "drain-mail" in [job.id for job in jobs(app)]
    monkeypatch.setattr(outbox, "sender", smtp_down)
    with app.app_context():
        queue_mail("nils@testvik.no", "Hei", "Ta modulen")
        db.session.commit()
    monkeypatch.undo()
    monkeypatch.setattr("lms.mail.outbox.utcnow", lambda: utcnow() + timedelta(minutes=2))
    status = app.test_cli_runner().invoke(args=["mail", "status"])
    assert "pending: 1 (due now: 1)" in status.output
    result = app.test_cli_runner().invoke(args=["mail", "drain"])
    assert result.exit_code == 0 and "sent: 1" in result.output
    assert read_mail(app).count("To: nils@testvik.no") == 1


def test_an_error_after_the_commit_leaves_the_commit_and_the_mail_to_the_drain(app, monkeypatch):
    def broken(*_args) -> None:
        raise RuntimeError("a bug after the commit")

    monkeypatch.setattr("lms.mail.send_committed", broken)
    with app.app_context():
        queue_mail("nils@testvik.no", "Hei", "Ta modulen")
        db.session.commit()
    monkeypatch.undo()
    [row] = rows(app)
    assert row.status == PENDING and read_mail(app) == ""
    assert drain_at(app, utcnow() + timedelta(seconds=outbox.CLAIM_SECONDS + 1)).sent == 1
    assert read_mail(app).count("To: nils@testvik.no") == 1


def test_a_message_that_cannot_be_sent_waits_its_turn_and_does_not_hold_up_the_rest(app, monkeypatch):
    real_sender = outbox.sender

    @contextmanager
    def choking(config):
        with real_sender(config) as send:

            def maybe(text: str) -> None:
                if "Subject: Bad" in text:
                    raise ValueError("cannot encode")
                send(text)

            yield maybe

    monkeypatch.setattr(outbox, "sender", choking)
    with app.app_context():
        queue_mail("a@testvik.no", "Bad", "1")
        queue_mail("b@testvik.no", "Good", "2")
        db.session.commit()
    assert [(row.recipient, row.status, row.attempts) for row in rows(app)] == [
        ("a@testvik.no", PENDING, 1),
        ("b@testvik.no", SENT, 1),
    ]
