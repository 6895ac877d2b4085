"""Delivery against an LRS that misbehaves in each of the ways the outbox must survive."""

import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from xapi import outbox
from xapi.client import PostResult, parse_retry_after
from xapi.delivery import DeliverySettings, backoff, deliver, resume

T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


def statement(n: int) -> dict:
    return {
        "id": str(uuid.UUID(int=n + 1, version=4)),
        "actor": {"objectType": "Agent", "account": {"homePage": "http://localhost", "name": f"p{n}"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": f"http://localhost/xapi/activities/module/m{n}"},
        "timestamp": T0.isoformat(),
    }


class FakeLRS:
    """Stores by id. ``refuse`` ids make any batch holding them a 400; ``script`` answers first."""

    def __init__(self, refuse=(), script=()):
        self.stored: dict[str, dict] = {}
        self.posts: list[list[str]] = []
        self.refuse = set(refuse)
        self.script = list(script)

    def post_statements(self, statements):
        ids = [s["id"] for s in statements]
        self.posts.append(ids)
        if self.script:
            return self.script.pop(0)
        bad = self.refuse.intersection(ids)
        if bad:
            return PostResult(status=400, error=f"statement {sorted(bad)[0]}: verb.id must be an IRI")
        for s in statements:
            self.stored[s["id"]] = s
        return PostResult(status=200, stored_ids=ids)

    def statement_ids(self, since, until):
        return set(self.stored)


@contextmanager
def transaction():
    yield db.session
    db.session.commit()


@pytest.fixture
def in_app(app):
    with app.app_context():
        yield


def fill(count: int) -> list[str]:
    for n in range(count):
        outbox.record(db.session, statement(n), now=T0)
    db.session.commit()
    return [statement(n)["id"] for n in range(count)]


def run(lrs, at=T0, **settings):
    return deliver(transaction, lambda: lrs, DeliverySettings(**settings), now=lambda: at)


def state():
    return outbox.status(db.session)


def test_everything_due_is_sent_in_batches(in_app):
    ids = fill(250)
    lrs = FakeLRS()
    report = run(lrs, batch_size=100)
    assert report.sent == 250
    assert [len(batch) for batch in lrs.posts] == [100, 100, 50]
    assert set(lrs.stored) == set(ids)
    assert (state().pending, state().sent, state().dead) == (0, 250, 0)


def test_a_rejected_statement_goes_to_the_dead_letters_and_the_rest_of_its_batch_is_delivered(in_app):
    ids = fill(10)
    lrs = FakeLRS(refuse={ids[6]})
    report = run(lrs, batch_size=10)
    assert report.sent == 9
    assert report.dead == 1
    assert set(lrs.stored) == set(ids) - {ids[6]}
    (dead,) = outbox.dead_letters(db.session)
    assert dead.statement_id == ids[6]
    assert "verb.id must be an IRI" in dead.last_error


def test_a_server_error_backs_off_and_the_next_run_delivers(in_app):
    fill(5)
    lrs = FakeLRS(script=[PostResult(status=500, error="Internal Server Error")])
    report = run(lrs)
    assert (report.sent, report.retried) == (0, 5)
    assert run(lrs, at=T0 + timedelta(seconds=0.5)).sent == 0, "not due again yet"
    assert run(lrs, at=T0 + timedelta(seconds=10)).sent == 5
    assert state().pending == 0


def test_retry_after_is_honoured(in_app):
    fill(3)
    lrs = FakeLRS(script=[PostResult(status=429, error="slow down", retry_after=120)])
    run(lrs)
    assert run(lrs, at=T0 + timedelta(seconds=119)).sent == 0
    assert run(lrs, at=T0 + timedelta(seconds=121)).sent == 3


def test_refused_credentials_pause_delivery_and_raise_an_alert(in_app):
    fill(3)
    lrs = FakeLRS(script=[PostResult(status=401, error="Unauthorized")])
    report = run(lrs, auth_pause=600)
    assert report.paused
    assert "credentials" in state().alert
    assert run(lrs, at=T0 + timedelta(seconds=60)).paused
    assert len(lrs.posts) == 1, "nothing is posted while paused"
    resume(db.session)
    db.session.commit()
    assert run(lrs, at=T0 + timedelta(seconds=61)).sent == 3


def test_a_conflicting_id_goes_to_the_dead_letters_with_the_lrs_reason(in_app):
    ids = fill(4)
    lrs = FakeLRS()

    def post(statements):
        if ids[0] in [s["id"] for s in statements]:
            return PostResult(status=409, error="a different statement has this id")
        return FakeLRS.post_statements(lrs, statements)

    lrs.post_statements = post
    report = run(lrs)
    assert (report.sent, report.dead) == (3, 1)
    (dead,) = outbox.dead_letters(db.session)
    assert (dead.statement_id, dead.last_error) == (ids[0], "409: a different statement has this id")


def test_any_refusal_about_the_statements_is_split_out_not_retried_forever(in_app):
    ids = fill(8)
    lrs = FakeLRS()

    def post(statements):
        if ids[5] in [s["id"] for s in statements]:
            return PostResult(status=422, error="object.id Field required")
        return FakeLRS.post_statements(lrs, statements)

    lrs.post_statements = post
    assert (run(lrs).sent, state().dead, state().pending) == (7, 1, 0)


def test_a_wait_asked_for_by_the_lrs_holds_back_every_batch(in_app):
    fill(30)
    lrs = FakeLRS(script=[PostResult(status=429, error="slow down", retry_after=120)])
    run(lrs, batch_size=10)
    for seconds in (1, 60, 119):
        assert run(lrs, at=T0 + timedelta(seconds=seconds), batch_size=10).sent == 0
    assert len(lrs.posts) == 1, "no other batch was posted while the LRS asked us to wait"
    assert run(lrs, at=T0 + timedelta(seconds=121), batch_size=10).sent == 30


def test_no_answer_at_all_is_retried(in_app):
    fill(2)
    lrs = FakeLRS(script=[PostResult(status=0, error="ReadTimeout")])
    assert run(lrs).retried == 2
    rows = db.session.execute(sa.select(outbox.outbox.c.tries, outbox.outbox.c.last_error)).all()
    assert all(row.tries == 1 and "ReadTimeout" in row.last_error for row in rows)


def test_retry_dead_queues_them_again(in_app):
    ids = fill(2)
    run(FakeLRS(refuse={ids[0]}), batch_size=2)
    assert outbox.retry_dead(db.session, now=T0) == 1
    assert run(FakeLRS(), at=T0 + timedelta(seconds=1)).sent == 1


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling():
    settings = DeliverySettings(base_backoff=2, max_backoff=60)
    assert backoff(0, settings, rng=lambda: 0.0) == 1.0
    assert backoff(0, settings, rng=lambda: 1.0) == 2.0
    assert backoff(3, settings, rng=lambda: 1.0) == 16.0
    assert backoff(20, settings, rng=lambda: 1.0) == 60.0


def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after("Sun, 25 Oct 2026 01:02:00 GMT", now=now) == 120.0
    assert parse_retry_after("soon") is None


def test_pruning_removes_only_old_delivered_statements(in_app):
    fill(3)
    run(FakeLRS())
    assert outbox.prune_sent(db.session, timedelta(days=30), now=T0 + timedelta(days=29)) == 0
    assert outbox.prune_sent(db.session, timedelta(days=30), now=T0 + timedelta(days=31)) == 3
