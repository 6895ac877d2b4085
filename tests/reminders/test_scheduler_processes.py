"""Several ``lms scheduler`` processes against one database, over a simulated week (the one with the
spring clock change): each reminder goes out exactly once, with the election and without it, and a
scheduler killed in the middle of the week and started again sends nothing twice.

Real subprocesses on a scratch database of their own (PostgreSQL when ``LMS_TEST_DATABASE_URL``
points at one, where the election is an advisory lock; SQLite otherwise, with the lease row). The
simulated clock is the ``--simulate-from``/``--simulate-until`` option of ``lms scheduler``, which
only tests use. These tests commit, so they do not run inside the shared rolled-back transaction.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time as wall
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask

import lms.models  # noqa: F401
from lms import create_app
from lms.assignments.services import assign_to_person, assign_to_unit
from lms.content.services import install
from lms.extensions import db
from lms.organisation.models import Role, UnitKind
from lms.organisation.services import create_person, create_unit, grant_role
from lms.reminders.models import Reminder
from lms.shifts.services import add_shift
from tests.conftest import FIXTURE_MODULE, app_config
from tests.support.databases import scratch_database_url

LMS = Path(sys.executable).with_name("lms")
OSLO = ZoneInfo("Europe/Oslo")
MONDAY = date(2026, 3, 23)
START = datetime.combine(MONDAY, time(0), tzinfo=OSLO)
UNTIL = START + timedelta(days=7)
PATTERNS = ["DDE-NNN", "EE-DDLL", "NN--DDD", "-DDEE--", "LL-NN--", "D-EDD-L"]
TIMES = {
    "D": (time(7, 30), time(15, 30)),
    "E": (time(15), time(22, 30)),
    "N": (time(21, 30), time(7, 30)),
}
TIMES["L"] = (time(8), time(20))


@pytest.fixture(autouse=True)
def transaction() -> Iterator[None]:
    """No shared rolled-back transaction here (overrides ``tests/conftest.py``)."""
    yield


def build(tmp_path: Path, name: str) -> tuple[Flask, str]:
    """A scratch database with a ward of six staff on a rota, a manager and two assignments."""
    url = scratch_database_url(tmp_path, name)
    app = create_app(app_config(tmp_path / "setup", url))
    with app.app_context():
        db.create_all()
        town = create_unit("Prøvik kommune", UnitKind.MUNICIPALITY)
        ward = create_unit("Solsiden", UnitKind.UNIT, town)
        manager = create_person("Mia Leder", email="mia@provik.no")
        grant_role(manager, ward, Role.MANAGER)
        version, _ = install(FIXTURE_MODULE, "test", publish=True)
        staff = []
        for number, pattern in enumerate(PATTERNS):
            person = create_person(f"Ansatt {number}", email=f"ansatt{number}@provik.no")
            grant_role(person, ward, Role.STAFF)
            staff.append(person)
            for offset, code in enumerate(pattern):
                if code != "-":
                    add_shift(person, MONDAY + timedelta(days=offset), *TIMES[code])
        opened = START - timedelta(days=3)
        for assignment in (
            assign_to_unit(version.module_id, ward, MONDAY + timedelta(days=4), role=Role.STAFF),
            assign_to_person(version.module_id, staff[0], MONDAY - timedelta(days=2)),
        ):
            assignment.created_at = opened
        db.session.commit()
        db.engine.dispose()
    return app, url


def scheduler(url: str, instance: Path, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "LMS_DATABASE_URL": url,
        "LMS_INSTANCE_PATH": str(instance),
        "LMS_SECRET_KEY": "test",
        "LMS_BASE_URL": "http://localhost",
        "LMS_LOG_LEVEL": "WARNING",
        "LMS_SCHEDULER": "false",
    }
    env.pop("LMS_SMTP_HOST", None)
    command = [
        str(LMS),
        "scheduler",
        "--simulate-from",
        START.isoformat(),
        "--simulate-until",
        UNTIL.isoformat(),
        "--step-minutes",
        "30",
        *extra,
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def sent_keys(output: str) -> list[str]:
    return [line.split(" sent ", 1)[1] for line in output.splitlines() if " sent " in line]


def finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-3000:]
    return out


def mailed(instance: Path) -> Counter:
    log = instance / "mail.log"
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    return Counter(line for line in text.splitlines() if line.startswith("To: "))


def stored(app: Flask) -> list[Reminder]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Reminder).order_by(Reminder.key)))
        db.session.remove()
        db.engine.dispose()
    return rows


@dataclass
class Week:
    keys: list[str]
    outputs: list[list[str]]
    rows: list[Reminder]
    mail: Counter


@pytest.fixture(scope="module")
def elected(tmp_path_factory) -> Week:
    """Two elected schedulers over the week: what they sent is the reference for the others."""
    tmp_path = tmp_path_factory.mktemp("elected")
    app, url = build(tmp_path, "sched_elected")
    first = scheduler(url, tmp_path / "one")
    second = scheduler(url, tmp_path / "two")
    outputs = [sent_keys(finish(first)), sent_keys(finish(second))]
    return Week(
        keys=sorted(outputs[0] + outputs[1]),
        outputs=outputs,
        rows=stored(app),
        mail=mailed(tmp_path / "one") + mailed(tmp_path / "two"),
    )


@pytest.fixture(scope="module")
def reference(elected: Week) -> list[str]:
    return elected.keys


def test_two_elected_schedulers_send_each_reminder_once(elected):
    keys = elected.keys
    assert len(keys) >= 10, "the week has reminders for most of the ward"
    assert Counter(keys) == Counter(set(keys)), "no key sent twice"
    assert sorted(len(o) for o in elected.outputs)[0] == 0, "the one not elected sent nothing"
    assert sorted(r.key for r in elected.rows) == keys
    assert all(r.sent_at is not None for r in elected.rows)
    assert len([k for k in keys if k.startswith("digest:")]) == 1
    assert sum(elected.mail.values()) == len(keys), "one mail per reminder"


ON_POSTGRESQL = (os.environ.get("LMS_TEST_DATABASE_URL") or "").startswith("postgresql")


@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="SQLite has one writer at a time: there the election is the guard"
)
def test_without_the_election_the_unique_keys_alone_keep_reminders_single(tmp_path, reference):
    app, url = build(tmp_path, "sched_every")
    processes = [scheduler(url, tmp_path / f"p{n}", "--every-process") for n in range(2)]
    outputs = [sent_keys(finish(p)) for p in processes]
    combined = outputs[0] + outputs[1]
    assert Counter(combined) == Counter(set(combined)), "no key sent twice"
    assert sorted(combined) == reference
    assert sum((mailed(tmp_path / "p0") + mailed(tmp_path / "p1")).values()) == len(reference)
    assert len(stored(app)) == len(reference)


def test_a_scheduler_killed_mid_week_and_restarted_sends_nothing_twice(tmp_path, reference):
    app, url = build(tmp_path, "sched_restart")
    first = scheduler(url, tmp_path / "first")
    seen: list[str] = []
    deadline = wall.monotonic() + 300
    while len(seen) < len(reference) // 2 and wall.monotonic() < deadline:
        line = first.stdout.readline()
        if not line:
            break
        if " sent " in line:
            seen.append(line.split(" sent ", 1)[1].strip())
    first.send_signal(signal.SIGKILL)
    rest, _ = first.communicate(timeout=60)
    seen += sent_keys(rest)
    assert 0 < len(seen) < len(reference), "killed in the middle of the week"

    again = scheduler(url, tmp_path / "again")
    after = sent_keys(finish(again))
    combined = seen + after
    assert Counter(combined) == Counter(set(combined)), "nothing sent twice"
    assert not set(seen) & set(after)
    rows = stored(app)
    assert {r.key for r in rows} == set(reference)
    unsent = [r.key for r in rows if r.sent_at is None]
    assert set(combined) | set(unsent) == set(reference)
    assert len(unsent) <= 1, "at most the one in flight when killed is left claimed, not sent"
