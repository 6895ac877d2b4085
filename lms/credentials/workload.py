"""The notional workload behind a competence credential: the hours of the modules and workshop
series that gave the person evidence of the competence (a sign-off, a certificate or a
qualification has no known workload and adds nothing)."""

from __future__ import annotations

import sqlalchemy as sa

from lms.competence.models import Evidence, EvidenceKind
from lms.content.models import LearningModule, ModuleVersion
from lms.extensions import db
from lms.workshops.models import WorkshopSeries


def _evidence_sources(person_ids: list[int]) -> dict[tuple[int, int], set[str]]:
    """The sources of these people's module and workshop evidence, by person and competence."""
    query = sa.select(Evidence.person_id, Evidence.competence_id, Evidence.source).where(
        Evidence.person_id.in_(person_ids),
        Evidence.kind.in_([EvidenceKind.MODULE, EvidenceKind.WORKSHOP]),
    )
    found: dict[tuple[int, int], set[str]] = {}
    for person_id, competence_id, source in db.session.execute(query):
        found.setdefault((person_id, competence_id), set()).add(source)
    return found


def module_minutes(module_ids: set[str]) -> dict[str, int]:
    """Each module's minutes, from its current version's manifest (a module not found: none)."""
    if not module_ids:
        return {}
    query = (
        sa.select(LearningModule.id, ModuleVersion.manifest)
        .join(LearningModule, LearningModule.current_version_id == ModuleVersion.id)
        .where(LearningModule.id.in_(module_ids))
    )
    return {
        module_id: int(manifest.get("minutes") or 0) for module_id, manifest in db.session.execute(query)
    }


def series_hours(series_ids: set[int]) -> dict[int, float]:
    """Each series' hours, its cancelled sessions left out (a series not found: none)."""
    if not series_ids:
        return {}
    query = sa.select(WorkshopSeries).where(WorkshopSeries.id.in_(series_ids))
    return {
        series.id: sum(
            (session.ends_at - session.starts_at).total_seconds() / 3600
            for session in series.sessions
            if session.cancelled_at is None
        )
        for series in db.session.scalars(query)
    }


def competence_hours_of(person_ids: list[int]) -> dict[tuple[int, int], float]:
    """The hours, to a hundredth, behind each (person, competence) of these people that has any;
    a pair left out has none (no module or workshop series gave the evidence). Three queries."""
    by_pair: dict[tuple[int, int], tuple[set[str], set[int]]] = {}
    for pair, sources in _evidence_sources(person_ids).items():
        module_ids = {s.removeprefix("module:") for s in sources if s.startswith("module:")}
        series_ids = {
            int(s.removeprefix("workshop:"))
            for s in sources
            if s.startswith("workshop:") and s.removeprefix("workshop:").isdigit()
        }
        by_pair[pair] = (module_ids, series_ids)
    minutes = module_minutes(set().union(*(m for m, _s in by_pair.values())))
    hours_of_series = series_hours(set().union(*(s for _m, s in by_pair.values())))
    found = {}
    for pair, (module_ids, series_ids) in by_pair.items():
        hours = sum(minutes.get(m, 0) for m in module_ids) / 60 + sum(
            hours_of_series.get(s, 0.0) for s in series_ids
        )
        if hours:
            found[pair] = round(hours, 2)
    return found


def competence_hours(person_id: int, competence_id: int) -> float | None:
    """The hours, to a hundredth; None when no module or workshop series gave the evidence."""
    return competence_hours_of([person_id]).get((person_id, competence_id))
