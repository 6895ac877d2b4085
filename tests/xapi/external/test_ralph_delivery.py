"""The outbox delivers to a real external LRS (Ralph, in its own process) exactly once, through an
outage, a killed worker, server errors, rate limiting, a refused statement and two workers at once.

"Exactly once" is counted by statement id in Ralph's own data file.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from lms.content.services import install
from lms.extensions import db
from lms.organisation.models import Role, UnitKind
from lms.organisation.services import create_person, create_unit, grant_role
from lms.tracking.cli import xapi_group
from tests.conftest import FIXTURE_MODULE
from tests.support.lrs_proxy import Answer
from tests.tracking.test_learning_statements import RIGHT, take_module
from xapi import outbox
from xapi.db import utcnow
from xapi.delivery import DeliverySettings
from xapi.outbox import PENDING
from xapi.outbox import outbox as outbox_table

from .conftest import (
    LMS,
    T0,
    Clock,
    OutboxState,
    deliver_once,
    fill,
    outbox_rows,
    outbox_state,
    start_worker,
    statements,
    worker_env,
)

pytestmark = pytest.mark.external_lrs

ON_POSTGRESQL = make_url(os.environ.get("LMS_TEST_DATABASE_URL") or "sqlite://").get_backend_name() == (
    "postgresql"
)
ENRICHED_BY_THE_LRS = {"stored", "authority"}


def _secs(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def exactly_once(ids) -> Counter:
    return Counter({statement_id: 1 for statement_id in ids})


def drain(app, clock, settings=None, runs: int = 20) -> None:
    """Run the delivery job until nothing is pending (each run may stop at a failure)."""
    for _ in range(runs):
        deliver_once(app, clock, settings)
        if outbox_state(app).pending == 0:
            return
        clock.advance(hours=2)
    raise AssertionError(f"still pending after {runs} runs: {outbox_state(app)}")


# a. The platform's own statements ------------------------------------------------------------------


def test_a_module_taken_on_the_platform_reaches_ralph_as_recorded(lrs, ralph):
    with lrs.test_request_context():
        version, _ = install(FIXTURE_MODULE, "test", publish=True)
        unit = create_unit(f"Sjøgløtt {uuid.uuid4().hex[:6]}", UnitKind.UNIT)
        nurse = create_person("Nils Sykepleier", email=f"nils-{uuid.uuid4().hex[:8]}@testvik.no")
        grant_role(nurse, unit, Role.STAFF)
        take_module(nurse, version.module_id, RIGHT)
        db.session.commit()
        query = sa.select(outbox_table.c.statement).order_by(outbox_table.c.id)
        recorded = [json.loads(row.statement) for row in db.session.execute(query)]
        db.session.remove()
    assert len(recorded) > 15, "initialized, progressed, answered, completed, passed: a whole module"

    result = lrs.test_cli_runner().invoke(xapi_group, ["deliver"])

    assert result.exit_code == 0, result.output
    assert f"sent {len(recorded)}, retried later 0, dead 0" in result.output
    assert outbox_state(lrs) == OutboxState(pending=0, sent=len(recorded), dead=0)
    assert ralph.id_counts() == exactly_once(s["id"] for s in recorded)
    for statement in recorded:
        stored = ralph.get_statement(statement["id"])
        assert stored is not None, statement["id"]
        assert {k: v for k, v in stored.items() if k not in ENRICHED_BY_THE_LRS} == statement
        assert stored["authority"] == {"objectType": "Agent", "mbox": f"mailto:{ralph.user}@example.com"}


# b. The LRS is down ----------------------------------------------------------------------------------


def test_while_the_lrs_is_down_nothing_is_lost_and_afterwards_each_statement_arrives_once(lrs, ralph):
    ids = fill(lrs, 5000, at=T0)
    clock = Clock()
    ralph.stop()
    try:
        reports = []
        for _ in range(3):
            reports.append(deliver_once(lrs, clock))
            clock.advance(minutes=1)
        assert [(r.sent, r.retried) for r in reports] == [(0, 100), (0, 1), (0, 1)], (
            "a batch, then one-statement probes"
        )
        assert all(r.errors[0].startswith("0: ConnectionError") for r in reports)
        assert outbox_state(lrs) == OutboxState(pending=5000, sent=0, dead=0)
        rows = outbox_rows(lrs)
        assert rows[ids[0]].tries == 3, "the oldest statement was the probe each minute"
        assert {rows[i].tries for i in ids[1:100]} == {1}
        assert {rows[i].tries for i in ids[100:]} == {0}
        assert all(rows[i].last_error.startswith("0: ConnectionError") for i in ids[:100])
    finally:
        ralph.start()

    drain(lrs, clock)

    assert outbox_state(lrs) == OutboxState(pending=0, sent=5000, dead=0)
    assert ralph.id_counts() == exactly_once(ids)


def test_after_an_outage_everything_waiting_arrives_within_30_seconds_of_recovery_once(
    lrs, proxy, ralph
):
    ids = fill(lrs, 1000, at=T0)
    clock = Clock()
    proxy.down = Answer(503, "Service Unavailable")
    while clock() < T0 + _secs(60):  # a minute of faults; the scheduler runs every 5 s
        deliver_once(lrs, clock)
        clock.advance(seconds=5)
    assert outbox_state(lrs) == OutboxState(pending=1000, sent=0, dead=0)
    assert proxy.post_count() > 1, "the LRS was asked again during the outage"
    assert {len(seen.ids) for seen in proxy.posts[1:]} == {1}, "after the first batch, only probes"

    proxy.down = None
    recovered_at = clock()
    while outbox_state(lrs).pending and clock() <= recovered_at + _secs(30):
        deliver_once(lrs, clock)
        clock.advance(seconds=5)

    assert outbox_state(lrs) == OutboxState(pending=0, sent=1000, dead=0)
    assert ralph.id_counts() == exactly_once(ids)


def test_while_the_lrs_is_slow_an_ordinary_write_on_another_connection_succeeds(lrs, proxy, ralph):
    ids = fill(lrs, 10, at=T0)
    proxy.hold_post = 1  # the LRS has the batch; its answer waits until we release it
    reports = []
    delivery = threading.Thread(target=lambda: reports.append(deliver_once(lrs, utcnow)))
    delivery.start()
    try:
        assert proxy.held.wait(timeout=60), "the delivery never posted"
        learning = statements(1)[0]
        with lrs.app_context():  # what a web request recording learning does, on its own connection
            outbox.record(db.session, learning)
            db.session.commit()
            db.session.remove()
    finally:
        proxy.release.set()
        delivery.join(timeout=60)

    assert reports and reports[0].sent == 11, reports
    assert outbox_state(lrs) == OutboxState(pending=0, sent=11, dead=0)
    assert ralph.id_counts() == exactly_once([*ids, learning["id"]])


# c. The worker is killed mid-batch -------------------------------------------------------------------


def test_a_worker_killed_after_the_lrs_stored_its_batch_leaves_nothing_twice(
    lrs, proxy, ralph, lrs_database_url
):
    ids = fill(lrs, 1000, at=T0)
    env = worker_env(lrs, lrs_database_url, proxy.endpoint())
    env["LMS_XAPI_CLAIM_SECONDS"] = "2"  # the killed worker's claim on its batch lapses soon
    proxy.hold_post = 3  # Ralph stores the third batch; its answer never reaches the worker
    worker = start_worker(env)
    try:
        assert proxy.held.wait(timeout=60), f"the worker never posted a third batch: {worker.poll()}"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate(timeout=30)
        proxy.release.set()
    assert worker.returncode == -signal.SIGKILL

    assert set(ralph.id_counts()) == set(ids[:300]), "the in-flight batch is stored in the LRS"
    assert outbox_state(lrs) == OutboxState(pending=800, sent=200, dead=0), "but not marked sent"

    for _ in range(20):  # until the killed worker's claim lapses
        again = subprocess.run(
            [str(LMS), "xapi", "deliver"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert again.returncode == 0, again.stdout + again.stderr
        if outbox_state(lrs).pending == 0:
            break
        time.sleep(0.2)

    assert outbox_state(lrs) == OutboxState(pending=0, sent=1000, dead=0)
    assert ralph.id_counts() == exactly_once(ids)
    forwarded = proxy.forwarded_ids()
    assert {forwarded[i] for i in ids[200:300]} == {2}, "the in-flight batch was posted again"
    assert {forwarded[i] for i in ids[:200] + ids[300:]} == {1}


# d. Server errors, then rate limiting, then recovery -------------------------------------------------


def test_server_errors_back_off_and_retry_after_holds_the_batch_back(lrs, proxy, ralph):
    ids = fill(lrs, 100, at=T0)
    proxy.script = [Answer(500, "Internal Server Error")] * 3 + [
        Answer(429, "Too Many Requests", {"Retry-After": "120"})
    ] * 2
    clock = Clock()
    settings = DeliverySettings(base_backoff=2.0, max_backoff=60.0)

    report = deliver_once(lrs, clock, settings)
    assert (report.sent, report.retried) == (0, 100)
    due = {row.due_at for row in outbox_rows(lrs).values()}
    assert all(clock() < at <= clock() + _secs(60) for at in due), "backed off, within the cap"
    assert deliver_once(lrs, clock, settings).retried == 0, "not due again yet"
    assert proxy.post_count() == 1
    for tries in (2, 3):
        clock.advance(seconds=61)
        report = deliver_once(lrs, clock, settings)
        assert (report.sent, report.retried) == (0, 1), "a one-statement probe"
        assert proxy.posts[-1].ids == (ids[0],)
        assert proxy.post_count() == tries
        assert deliver_once(lrs, clock, settings).retried == 0, "not due again yet"
    clock.advance(seconds=61)

    for _ in range(2):
        limited_at = clock()
        deliver_once(lrs, clock, settings)
        assert proxy.posts[-1].status == 429
        posts = proxy.post_count()
        for later in (1, 60, 119):
            clock.at = limited_at + _secs(later)
            deliver_once(lrs, clock, settings)
            assert proxy.post_count() == posts, f"posted {later}s after Retry-After: 120"
        clock.at = limited_at + _secs(121)

    report = deliver_once(lrs, clock, settings)
    assert report.sent == 100
    assert [seen.status for seen in proxy.posts] == [500, 500, 500, 429, 429, 200, 200]
    assert outbox_state(lrs) == OutboxState(pending=0, sent=100, dead=0)
    assert ralph.id_counts() == exactly_once(ids)


def test_retry_after_holds_back_every_post_not_just_the_batch_that_got_it(lrs, proxy, ralph):
    fill(lrs, 300, at=T0)
    proxy.script = [Answer(429, "Too Many Requests", {"Retry-After": "120"})]
    clock = Clock()
    deliver_once(lrs, clock)
    assert proxy.post_count() == 1
    clock.advance(seconds=5)  # the scheduler's next run
    deliver_once(lrs, clock)
    assert proxy.post_count() == 1, "posted again 5s after Retry-After: 120"


# e. A statement the LRS refuses ----------------------------------------------------------------------


def test_a_refused_statement_goes_to_the_dead_letters_and_the_rest_of_its_batch_is_delivered(
    lrs, proxy, ralph
):
    ids = fill(lrs, 100, at=T0)
    bad = ids[37]
    proxy.reject = {bad: "verb.id must be an IRI"}

    report = deliver_once(lrs, Clock())

    assert (report.sent, report.dead) == (99, 1)
    assert outbox_state(lrs) == OutboxState(pending=0, sent=99, dead=1)
    dead = outbox_rows(lrs)[bad]
    assert dead.status == "dead"
    assert dead.last_error.startswith("400: ")
    assert f"statement {bad}: verb.id must be an IRI" in dead.last_error
    assert ralph.id_counts() == exactly_once(set(ids) - {bad})


def test_a_statement_ralph_really_refuses_goes_to_the_dead_letters(lrs, ralph):
    ids = fill(lrs, 99, at=T0)
    # Valid xAPI 1.0.3 (our validator passes it), but Ralph 5.1.0 wants an id on every object.
    sub = statements(1)[0]
    sub["object"] = {"objectType": "SubStatement", **{k: sub[k] for k in ("actor", "verb", "object")}}
    del sub["context"]  # platform and language belong to statements about activities
    with lrs.app_context():
        outbox.record(db.session, sub, now=T0)
        db.session.commit()
        db.session.remove()

    report = deliver_once(lrs, Clock())

    assert report.dead == 1
    assert "object" in outbox_rows(lrs)[sub["id"]].last_error
    assert ralph.id_counts() == exactly_once(ids)


# f. Two workers at once ------------------------------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRESQL, reason="needs PostgreSQL (SKIP LOCKED); .ci/run runs it")
def test_two_workers_at_once_never_post_the_same_statement(lrs, proxy, ralph, lrs_database_url):
    ids = fill(lrs, 2000, at=T0)
    proxy.gate = 2  # the first post waits until the other worker posts too
    env = worker_env(lrs, lrs_database_url, proxy.endpoint())

    workers = [start_worker(env) for _ in range(2)]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    assert proxy.max_in_flight == 2, "both workers had a batch in flight at the same time"
    sent = [int(re.search(r"sent (\d+),", output).group(1)) for output in outputs]
    assert all(sent) and sum(sent) == 2000, outputs
    assert proxy.forwarded_ids() == exactly_once(ids), "no statement was posted twice"
    assert ralph.id_counts() == exactly_once(ids)
    assert outbox_state(lrs) == OutboxState(pending=0, sent=2000, dead=0)
    assert PENDING not in {row.status for row in outbox_rows(lrs).values()}
