"""A reflection group on the home-nursing zone: four sessions, the facilitator and six staff."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Person, Role
from lms.workshops import participants, planning
from lms.workshops.models import WorkshopSeries, WorkshopSession
from tests.conftest import add_person
from xapi.outbox import outbox

BASE = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


@dataclass
class Group:
    series_id: int
    unit_id: int
    session_ids: list[int]
    people: list[Person]

    def series(self) -> WorkshopSeries:
        return db.session.get(WorkshopSeries, self.series_id)

    def session(self, index: int) -> WorkshopSession:
        return db.session.get(WorkshopSession, self.session_ids[index])


def make_series(org, *, starts: list, extra_staff: int = 5, capacity: int = 7) -> Group:
    facilitator = db.session.merge(org.facilitator)
    zone = db.session.merge(org.zone)
    series = planning.create_series(
        zone,
        facilitator,
        planning.SeriesFields(
            title="Refleksjonsgruppe: digital hverdag",
            description="Vi snakker om **digitale** verktøy.",
            agenda=planning.parse_agenda("10 min Innledning\n20 min Refleksjon over case"),
            questions=["Hva var vanskelig denne uka?"],
            place="Møterommet, 2. etg.",
            capacity=capacity,
        ),
    )
    for start in starts:
        start, end = start if isinstance(start, tuple) else (start, start + timedelta(hours=1))
        planning.add_session(series, start, end)
    people = [db.session.merge(org.assistant)] + [
        add_person(f"Ansatt {n}", f"ansatt{n}@testvik.no", zone, Role.STAFF) for n in range(extra_staff)
    ]
    participants.invite(series, people, facilitator)
    db.session.commit()
    return Group(series.id, series.unit_id, [s.id for s in series.sessions], people)


@pytest.fixture
def group(app, org) -> Group:
    with app.test_request_context():
        return make_series(org, starts=[BASE + timedelta(weeks=2 * n) for n in range(4)])


def outbox_statements() -> list[dict]:
    rows = db.session.execute(sa.select(outbox.c.statement).order_by(outbox.c.id))
    return [json.loads(row.statement) for row in rows]


def verb(statement: dict) -> str:
    return statement["verb"]["id"].rsplit("/", 1)[-1]
