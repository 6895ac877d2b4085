"""The notional workload of a competence credential: the hours of the modules and workshop series
behind the person's evidence, and none when only a sign-off stands behind it."""

from __future__ import annotations

from datetime import timedelta

from lms.competence.models import Evidence, EvidenceKind
from lms.credentials.workload import competence_hours
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Unit
from lms.workshops.models import WorkshopSeries, WorkshopSession
from tests.support.frameworks import import_test_framework


def evidence(person_id: int, competence_id: int, kind: EvidenceKind, source: str) -> None:
    db.session.add(
        Evidence(
            person_id=person_id,
            competence_id=competence_id,
            level=1,
            kind=kind,
            source=source,
            achieved_at=utcnow(),
        )
    )
    db.session.flush()


def series_of_one_and_a_half_hours(org) -> WorkshopSeries:
    series = WorkshopSeries(
        unit=db.session.get(Unit, org.ward.id), title="Samling", facilitator_id=org.facilitator.id
    )
    start = utcnow()
    series.sessions.append(WorkshopSession(starts_at=start, ends_at=start + timedelta(hours=1.5)))
    cancelled = WorkshopSession(starts_at=start, ends_at=start + timedelta(hours=3), cancelled_at=start)
    series.sessions.append(cancelled)
    db.session.add(series)
    db.session.flush()
    return series


def test_modules_and_series_behind_the_evidence_add_up(app, org, fixture_module):
    with app.app_context():
        code = import_test_framework("TEST")
        series = series_of_one_and_a_half_hours(org)
        evidence(org.nurse.id, code.id, EvidenceKind.MODULE, f"module:{fixture_module}")
        evidence(org.nurse.id, code.id, EvidenceKind.MODULE, f"module:{fixture_module}")
        evidence(org.nurse.id, code.id, EvidenceKind.WORKSHOP, f"workshop:{series.id}")
        assert competence_hours(org.nurse.id, code.id) == round(5 / 60 + 1.5, 2)


def test_a_sign_off_alone_has_no_known_workload(app, org):
    with app.app_context():
        code = import_test_framework("TEST")
        evidence(org.nurse.id, code.id, EvidenceKind.SIGN_OFF, "")
        assert competence_hours(org.nurse.id, code.id) is None
