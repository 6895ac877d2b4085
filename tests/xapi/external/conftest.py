"""Delivery to a real external LRS (Ralph, in its own process): the fixtures.

These tests do not run inside the rolled-back transaction of ``tests/conftest.py``: delivery commits
once per batch in its own transaction, and worker processes must see what the test recorded. They use
an app of their own on a scratch database, with ``LRS_ENDPOINT`` pointing at Ralph (or at a proxy in
front of it), and clear the outbox between tests.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

import lms.models  # noqa: F401
from bench.support.ralph import Ralph, RalphNotInstalled
from lms import create_app
from lms.core.transactions import short_transaction
from lms.extensions import db
from lms.tracking.profile import Profile
from tests.conftest import app_config
from tests.support.databases import scratch_database_url
from tests.support.lrs_proxy import LRSProxy
from xapi import outbox
from xapi.delivery import DeliverySettings, Report, deliver, delivery_state
from xapi.outbox import outbox as outbox_table

BASE_URL = "http://localhost"
LMS = Path(sys.executable).with_name("lms")
CHECKOUT = Path(__file__).resolve().parents[3]
"""The checkout under test: a worker runs its code, not that of the checkout the virtual
environment's ``lms`` script was installed from (another worktree may share the environment)."""
T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
"""The test clock starts here (the night the clocks go forward in Oslo)."""


@pytest.fixture(autouse=True)
def transaction() -> Iterator[None]:
    """No shared rolled-back transaction here (overrides ``tests/conftest.py``): see the docstring."""
    yield


@pytest.fixture(scope="session")
def ralph(tmp_path_factory) -> Iterator[Ralph]:
    """Ralph on 127.0.0.1 for the whole run; tests that stop it start it again."""
    try:
        server = Ralph(tmp_path_factory.mktemp("ralph"))
    except RalphNotInstalled as missing:
        pytest.fail(f"{missing} (make test and .ci/run do)", pytrace=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lrs_database_url(tmp_path_factory) -> str:
    return scratch_database_url(tmp_path_factory.mktemp("lrs-db"), "ralph")


@pytest.fixture(scope="session")
def lrs_app(tmp_path_factory, lrs_database_url: str, ralph: Ralph) -> Iterator[Flask]:
    tmp_dir = tmp_path_factory.mktemp("lrs-instance")
    config = app_config(tmp_dir, lrs_database_url)
    config.update(
        BASE_URL=BASE_URL,
        LRS_ENDPOINT=ralph.endpoint,
        LRS_KEY=ralph.user,
        LRS_SECRET=ralph.password,
    )
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def lrs(lrs_app: Flask, ralph: Ralph) -> Iterator[Flask]:
    """The app with an empty outbox, no pause, delivering straight to Ralph, whose store is empty."""
    ralph.clear()
    with lrs_app.app_context():
        db.session.execute(outbox_table.delete())
        db.session.execute(delivery_state.delete())
        db.session.commit()
    lrs_app.config["LRS_ENDPOINT"] = ralph.endpoint
    yield lrs_app
    lrs_app.config["LRS_ENDPOINT"] = ralph.endpoint


@pytest.fixture
def proxy(ralph: Ralph, lrs: Flask) -> Iterator[LRSProxy]:
    """A misbehaving proxy in front of Ralph, which the app delivers through."""
    server = LRSProxy(f"http://127.0.0.1:{ralph.port}").start()
    lrs.config["LRS_ENDPOINT"] = server.endpoint()
    yield server
    server.stop()


# Making statements -------------------------------------------------------------------------------

_numbers = itertools.count()


def statements(count: int, at: datetime = T0) -> list[dict]:
    """Valid statements as the platform makes them (one learner answering cards of one module)."""
    profile = Profile(BASE_URL)
    learner = str(uuid.uuid4())
    made = []
    for _ in range(count):
        n = next(_numbers)
        card = profile.card_activity(
            "volum",
            f"kort-{n}",
            {"nb": f"Kort {n}"},
            {"choices": [{"id": "a", "description": {"nb-NO": "A"}}], "correctResponsesPattern": ["a"]},
            "choice",
        )
        made.append(
            profile.statement(
                learner,
                "answered",
                card,
                at=at + timedelta(milliseconds=n),
                result={"response": "a", "success": True},
                context=profile.module_context(
                    registration=str(uuid.uuid4()),
                    module_id="volum",
                    version="1.0.0",
                    content_hash="sha256:" + "0" * 64,
                    language="nb",
                    parent=True,
                ),
            )
        )
    return made


def fill(app: Flask, count: int, at: datetime | None = None) -> list[str]:
    """Record ``count`` statements in the outbox (committed); returns their ids in order."""
    made = statements(count)
    with app.app_context():
        for statement in made:
            outbox.record(db.session, statement, now=at)
        db.session.commit()
    return [s["id"] for s in made]


# Delivering and looking ----------------------------------------------------------------------------


class Clock:
    """The delivery's ``now``: moved by the test, never by waiting."""

    def __init__(self, at: datetime = T0):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **span: float) -> datetime:
        self.at += timedelta(**span)
        return self.at


def deliver_once(
    app: Flask, clock: Callable[[], datetime], settings: DeliverySettings | None = None
) -> Report:
    """One run of the delivery job in ``app``, as ``lms.tracking.services.deliver_outbox`` does it,
    with the test's clock."""
    from lms.tracking.services import lrs_for

    with app.app_context():
        try:
            return deliver(short_transaction, lambda: lrs_for(db.session), settings, now=clock)
        finally:
            db.session.remove()


@dataclass(frozen=True)
class OutboxState:
    pending: int
    sent: int
    dead: int


def outbox_state(app: Flask) -> OutboxState:
    with app.app_context():
        state = outbox.status(db.session)
        db.session.remove()
    return OutboxState(state.pending, state.sent, state.dead)


def outbox_rows(app: Flask) -> dict[str, sa.Row]:
    with app.app_context():
        rows = db.session.execute(sa.select(outbox_table)).all()
        db.session.remove()
    return {row.statement_id: row for row in rows}


def worker_env(app: Flask, database_url: str, endpoint: str) -> dict[str, str]:
    """The environment of an ``lms`` process working on the test's database and LRS."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        LMS_DATABASE_URL=database_url,
        LMS_INSTANCE_PATH=str(app.config["INSTANCE_PATH"]),
        LMS_SECRET_KEY="test-secret-key",
        LMS_BASE_URL=BASE_URL,
        LMS_LRS_ENDPOINT=endpoint,
        LMS_LRS_KEY=app.config["LRS_KEY"],
        LMS_LRS_SECRET=app.config["LRS_SECRET"],
        LMS_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")])),
    )
    return env


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    """``lms xapi deliver`` in its own process (the real command, with the real clock)."""
    return subprocess.Popen(
        [str(LMS), "xapi", "deliver"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
