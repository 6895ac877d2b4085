"""Competence for the demo municipality, through the real services: the shipped frameworks,
requirements on the units, and evidence backdated with explicit dates so that the matrix shows met,
expiring, expired and missing cells. Flushes; the caller commits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from lms.competence import services
from lms.competence.models import EvidenceKind
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment

AGES = (40, 320, 420, None)
"""Age in days of the journal evidence of staff member i % 4: met, due for renewal (within the 60-day
window of a 12-month validity), expired, and none (missing)."""


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def _manager_of(unit) -> Person | None:
    return db.session.scalar(
        sa.select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.unit_id == unit.id, RoleAssignment.role == Role.MANAGER)
        .limit(1)
    )


def add_competence_history(units, staff: list[Person], today: date) -> int:
    """Load the frameworks, add requirements and backdated evidence; returns the evidence made."""
    services.load_shipped()
    found = services.competences_by_code(["DHK-2", "DHK-3", "DHK-5", "DHK-6", "GRN-1", "SOFT-1"])
    area = units.area
    # A module shows knowledge (level 1): the yearly journal and shift-report requirement asks for
    # that; practice (level 2) needs a sign-off, as on the wards' DHK-6.
    services.add_requirement(found["DHK-2"], area, 1, role=Role.STAFF, validity_months=12)
    services.add_requirement(found["DHK-5"], area, 2, role=Role.STAFF, validity_months=12)
    services.add_requirement(found["GRN-1"], area, 1, mandatory=False, validity_months=None)
    for zone in units.home_nursing:
        services.add_requirement(found["DHK-3"], zone, 1, role=Role.STAFF, validity_months=24)
    for ward in units.nursing_home:
        services.add_requirement(found["DHK-6"], ward, 2, role=Role.STAFF, validity_months=12)
    made = 0
    for index, person in enumerate(staff):
        age = AGES[index % 4]
        if age is not None:
            services.record_evidence(
                person,
                found["DHK-2"],
                2,
                EvidenceKind.MODULE,
                source="module:rapport-ved-vaktskifte",
                achieved_at=_at(today - timedelta(days=age)),
                refresh_now=False,
            )
            made += 1
        if index % 3 == 0:
            services.record_evidence(
                person,
                found["DHK-3"],
                2,
                EvidenceKind.WORKSHOP,
                source="workshop:demo",
                achieved_at=_at(today - timedelta(days=90 + index)),
                refresh_now=False,
            )
            made += 1
        if index % 5 == 1:
            services.record_evidence(
                person,
                found["SOFT-1"],
                2,
                EvidenceKind.SELF,
                asserted_by=person,
                source="self",
                achieved_at=_at(today - timedelta(days=14)),
                refresh_now=False,
            )
            made += 1
    for unit in (*units.home_nursing, *units.nursing_home):
        manager = _manager_of(unit)
        members = [p for p in staff if any(r.unit_id == unit.id for r in p.roles)]
        if manager is None or not members:
            continue
        services.record_evidence(
            members[0],
            found["DHK-6"],
            2,
            EvidenceKind.SIGN_OFF,
            asserted_by=manager,
            note="Observert ved legemiddelhåndtering på vakt",
            source="sign-off",
            achieved_at=_at(today - timedelta(days=20)),
            refresh_now=False,
        )
        made += 1
    if staff:
        services.register_certificate(
            staff[-1],
            found["DHK-5"],
            2,
            name="Informasjonssikkerhet i helsesektoren (KS Læring)",
            achieved_on=today - timedelta(days=300),
            valid_until=today + timedelta(days=30),
            by=_manager_of(units.nursing_home[0]) or staff[-1],
        )
        made += 1
    services.refresh([p.id for p in staff])
    return made
