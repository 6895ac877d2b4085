"""Competence evidence (modules, workshops, self-assessments, sign-offs, certificates) and
requirement status, for "Mine data". Evidence is append-only and stays on erasure, for the
aggregates; only its free-text note is blanked."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.competence.models import Evidence, RequirementStatus
from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, owned, record_of
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    evidence = owned(Evidence, person)
    statuses = owned(RequirementStatus, person, RequirementStatus.requirement_id)
    return [
        Section(
            "competence_evidence",
            _("Kompetansebevis, egenvurderinger og godkjenninger"),
            [
                record_of(
                    e,
                    "kind",
                    "level",
                    "source",
                    "note",
                    "achieved_at",
                    "valid_until",
                    competence=e.competence.code,
                    signed_off_by=e.asserted_by_id,
                )
                for e in evidence
            ],
            order=80,
        ),
        Section(
            "competence_status",
            _("Status mot kompetansekrav"),
            [record_of(s, "requirement_id", "state", "level", "since", "valid_until") for s in statuses],
            order=81,
        ),
    ]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    """Blank the notes and take the person's name out of certificate names, by bulk updates, which
    the append-only guard (a flush event) does not see: erasure is the one change evidence allows."""
    rows = db.session.execute(
        sa.select(Evidence.id, Evidence.source).where(Evidence.person_id == erasure.person.id)
    ).all()
    for row in rows:
        db.session.execute(
            sa.update(Evidence)
            .where(Evidence.id == row.id)
            .values(note="", source=erasure.scrub(row.source)),
            execution_options={"synchronize_session": False},
        )
