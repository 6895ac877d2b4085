"""Delivery against an LRS that misbehaves in each of the ways the outbox must survive."""

import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.cli import main
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


# Claims: posting happens outside any transaction ---------------------------------------------------


class Killed(Exception):
    """The deliverer died after the LRS stored its batch, before it heard the answer."""


def test_a_deliverer_that_dies_mid_post_holds_its_batch_until_the_claim_lapses_then_it_is_sent(in_app):
    ids = fill(5)
    lrs = FakeLRS()

    def stores_then_dies(statements):
        FakeLRS.post_statements(lrs, statements)
        raise Killed

    lrs.post_statements = stores_then_dies
    with pytest.raises(Killed):
        run(lrs, claim_seconds=300)
    lrs.post_statements = lambda statements: FakeLRS.post_statements(lrs, statements)

    assert run(lrs, at=T0 + timedelta(seconds=299), claim_seconds=300).sent == 0, "still claimed"
    assert len(lrs.posts) == 1
    assert run(lrs, at=T0 + timedelta(seconds=301), claim_seconds=300).sent == 5
    assert lrs.posts == [ids, ids], "sent again once the claim lapsed"
    assert sorted(lrs.stored) == sorted(ids), "which the LRS recognises by id: each stored once"
    assert (state().pending, state().sent, state().dead) == (0, 5, 0)


def test_status_counts_a_claimed_batch_as_pending_and_being_sent(app, in_app):
    fill(3)
    lrs = FakeLRS()

    def dies(_statements):
        raise Killed

    lrs.post_statements = dies
    with pytest.raises(Killed):
        run(lrs, claim_seconds=300)
    outbox.record(db.session, statement(3), now=T0 + timedelta(seconds=1))
    outbox.record(db.session, statement(4), now=T0 + timedelta(seconds=1))
    db.session.execute(
        outbox.outbox.update()
        .where(outbox.outbox.c.statement_id == statement(4)["id"])
        .values(status=outbox.DEAD, last_error="400: bad")
    )
    db.session.commit()

    during = outbox.status(db.session, now=T0 + timedelta(seconds=10))
    assert (during.pending, during.in_flight, during.dead) == (4, 3, 1)
    assert during.oldest_pending == T0
    lapsed = outbox.status(db.session, now=T0 + timedelta(seconds=301))
    assert (lapsed.pending, lapsed.in_flight) == (4, 0)

    shown = app.test_cli_runner().invoke(main, ["xapi", "status"])
    assert "pending: 4 (being sent: " in shown.output
    assert "dead: 1" in shown.output
    assert "oldest pending: " in shown.output and "oldest pending: -" not in shown.output


def test_the_outcome_of_a_lapsed_claim_does_not_undo_what_the_next_deliverer_recorded(in_app):
    ids = fill(3)
    lrs = FakeLRS()

    def slow_then_fails(statements):
        # Meanwhile the claim lapses and another deliverer sends the batch.
        assert run(FakeLRS(), at=T0 + timedelta(seconds=400), claim_seconds=300).sent == 3
        return PostResult(status=503, error="too late")

    lrs.post_statements = slow_then_fails
    run(lrs, claim_seconds=300)

    rows = db.session.execute(sa.select(outbox.outbox.c.status, outbox.outbox.c.tries)).all()
    assert {tuple(row) for row in rows} == {(outbox.SENT, 0)}
    assert (state().pending, state().sent) == (0, len(ids))


# After an outage: probes ----------------------------------------------------------------------------


class Outage(FakeLRS):
    """An LRS that answers 503 while ``down``."""

    down = False

    def post_statements(self, statements):
        if self.down:
            self.posts.append([s["id"] for s in statements])
            return PostResult(status=503, error="Service Unavailable")
        return super().post_statements(statements)


def test_after_an_outage_everything_waiting_is_sent_within_30_seconds_of_recovery_without_hammering(
    in_app,
):
    ids = fill(250)
    lrs = Outage()
    lrs.down = True
    at = T0
    while at < T0 + timedelta(minutes=10):  # the scheduler runs every 5 s through the outage
        run(lrs, at=at, batch_size=100)
        at += timedelta(seconds=5)
    assert state().pending == 250
    assert [len(batch) for batch in lrs.posts[1:]] == [1] * (len(lrs.posts) - 1), "probes only"
    runs = 10 * 60 / 5
    assert len(lrs.posts) <= 10 * 60 / 10 + 5 < runs, "about one probe in 10 s, not one each run"

    lrs.down = False
    recovered_at = at
    while state().pending and at <= recovered_at + timedelta(seconds=30):
        run(lrs, at=at, batch_size=100)
        at += timedelta(seconds=5)

    assert (state().pending, state().sent) == (0, 250)
    assert sorted(lrs.stored) == sorted(ids)


def test_a_probe_waits_as_long_as_retry_after_asks(in_app):
    fill(3)
    lrs = FakeLRS(script=[PostResult(status=503, error="maintenance", retry_after=600)])
    run(lrs)
    assert run(lrs, at=T0 + timedelta(seconds=599)).sent == 0
    assert len(lrs.posts) == 1, "no probe inside the wait the LRS asked for"
    assert run(lrs, at=T0 + timedelta(seconds=601)).sent == 3


def test_a_refused_probe_shows_the_lrs_is_back_and_the_rest_follows_at_once(in_app):
    ids = fill(4)
    lrs = FakeLRS(script=[PostResult(status=500, error="down")], refuse={ids[0]})
    run(lrs)
    report = run(lrs, at=T0 + timedelta(seconds=10))
    assert (report.dead, report.sent) == (1, 3)
    assert [len(batch) for batch in lrs.posts] == [4, 1, 3], "a batch, the probe, the rest"
