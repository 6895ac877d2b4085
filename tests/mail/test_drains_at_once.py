"""Two drains at once, each in a thread with its own connection, on a database of their own
(PostgreSQL with ``LMS_TEST_DATABASE_URL``: ``FOR UPDATE SKIP LOCKED``; SQLite: one writer at a
time): every row is sent, and none twice."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.db import utcnow
from lms.extensions import db
from lms.mail import outbox
from lms.mail.outbox import PENDING, SENT, OutgoingMail
from tests.conftest import app_config
from tests.support.databases import scratch_database_url

MESSAGES = 120
SUBJECT = re.compile(r"^Subject: mail (\d+)$", re.MULTILINE)


@pytest.fixture(autouse=True)
def transaction() -> None:
    """Replaces the root conftest's rolled-back transaction: these drains commit for real."""


@pytest.fixture
def app_with_mail(tmp_path) -> Iterator:
    app = create_app(app_config(tmp_path, scratch_database_url(tmp_path, "mail")))
    earlier = utcnow() - timedelta(minutes=1)
    with app.app_context():
        db.create_all()
        db.session.add_all(
            OutgoingMail(
                recipient=f"p{n}@testvik.no",
                message=f"To: p{n}@testvik.no\nSubject: mail {n}\n\nbody\n",
                status=PENDING,
                created_at=earlier,
                attempts=0,
                next_attempt_at=earlier,
            )
            for n in range(MESSAGES)
        )
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_two_drains_at_once_send_every_row_once(app_with_mail, monkeypatch):
    sent: Counter[int] = Counter()
    lock = threading.Lock()

    @contextmanager
    def slow_server(_config):
        def send(text: str) -> None:
            time.sleep(0.002)
            with lock:
                sent[int(SUBJECT.search(text).group(1))] += 1

        yield send

    monkeypatch.setattr(outbox, "sender", slow_server)
    both_ready = threading.Barrier(2)
    reports: list[outbox.Report] = []
    failures: list[BaseException] = []

    def drain() -> None:
        try:
            with app_with_mail.app_context():
                both_ready.wait()
                reports.append(outbox.drain(batch_size=10, max_batches=100))
                db.session.remove()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert sorted(sent) == list(range(MESSAGES))
    assert max(sent.values()) == 1, "no row sent twice"
    assert sum(report.sent for report in reports) == MESSAGES
    assert all(report.sent for report in reports), "both drains took part"
    with app_with_mail.app_context():
        statuses = db.session.scalars(sa.select(OutgoingMail.status)).all()
    assert set(statuses) == {SENT}
