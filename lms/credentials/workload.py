"""The notional workload behind a competence credential: the hours of the modules and workshop
series that gave the person evidence of the competence (a sign-off, a certificate or a
qualification has no known workload and adds nothing)."""

from __future__ import annotations

import sqlalchemy as sa

from lms.competence.models import Evidence, EvidenceKind
from lms.content.models import LearningModule, ModuleVersion
from lms.extensions import db
from lms.workshops.models import WorkshopSeries


def evidence_sources(person_id: int, competence_id: int) -> set[str]:
    query = sa.select(Evidence.source).where(
        Evidence.person_id == person_id,
        Evidence.competence_id == competence_id,
        Evidence.kind.in_([EvidenceKind.MODULE, EvidenceKind.WORKSHOP]),
    )
    return set(db.session.scalars(query))


def module_minutes(module_ids: set[str]) -> int:
    if not module_ids:
        return 0
    query = (
        sa.select(ModuleVersion.manifest)
        .join(LearningModule, LearningModule.current_version_id == ModuleVersion.id)
        .where(LearningModule.id.in_(module_ids))
    )
    return sum(int(manifest.get("minutes") or 0) for manifest in db.session.scalars(query))


def series_hours(series_ids: set[int]) -> float:
    if not series_ids:
        return 0.0
    query = sa.select(WorkshopSeries).where(WorkshopSeries.id.in_(series_ids))
    return sum(
        (session.ends_at - session.starts_at).total_seconds() / 3600
        for series in db.session.scalars(query)
        for session in series.sessions
        if session.cancelled_at is None
    )


def competence_hours(person_id: int, competence_id: int) -> float | None:
    """The hours, to a hundredth; None when no module or workshop series gave the evidence."""
    sources = evidence_sources(person_id, competence_id)
    module_ids = {s.removeprefix("module:") for s in sources if s.startswith("module:")}
    series_ids = {
        int(s.removeprefix("workshop:"))
        for s in sources
        if s.startswith("workshop:") and s.removeprefix("workshop:").isdigit()
    }
    if not module_ids and not series_ids:
        return None
    hours = module_minutes(module_ids) / 60 + series_hours(series_ids)
    return round(hours, 2) if hours else None
