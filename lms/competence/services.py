"""Frameworks, evidence and requirements, and the stored requirement status. Functions flush; the
caller commits. The profile itself is computed by ``lms.competence.profile`` (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from lms import signals
from lms.competence import moodle_csv
from lms.competence.models import (
    KNOWLEDGE_KINDS,
    Competence,
    Evidence,
    EvidenceKind,
    Framework,
    Requirement,
    RequirementStatus,
    Scale,
    ScaleLevel,
    highest_level,
)
from lms.competence.profile import EvidenceFact, Profile, RequirementFact, compute_profile
from lms.core.time import start_of_local_day
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit

SHIPPED = Path(__file__).resolve().parent / "frameworks"


# Frameworks ---------------------------------------------------------------------------------------


def frameworks() -> list[Framework]:
    query = (
        sa.select(Framework).options(selectinload(Framework.competences)).order_by(Framework.idnumber)
    )
    return list(db.session.scalars(query))


def import_framework(data: bytes) -> Framework | list[moodle_csv.Problem]:
    """Import a framework from Moodle's CSV, or update the one with the same ID number.

    All or nothing: if any line is bad (or names a competence code another framework holds), nothing
    changes and the problems are returned, each with its line.
    """
    spec = moodle_csv.parse(data)
    if isinstance(spec, list):
        return spec
    codes = [c.code for c in spec.competences]
    taken = db.session.execute(
        sa.select(Competence.code, Framework.idnumber)
        .join(Framework)
        .where(Competence.code.in_(codes), Framework.idnumber != spec.idnumber)
    ).all()
    if taken:
        owner = dict(taken)
        return [
            moodle_csv.Problem(
                c.line,
                _(
                    "koden «%(code)s» brukes allerede i rammeverket «%(framework)s»",
                    code=c.code,
                    framework=owner[c.code],
                ),
            )
            for c in spec.competences
            if c.code in owner
        ]
    return _apply(spec)


def _apply(spec: moodle_csv.FrameworkSpec) -> Framework:
    framework = db.session.scalar(sa.select(Framework).filter_by(idnumber=spec.idnumber))
    if framework is None:
        framework = Framework(idnumber=spec.idnumber, scale=Scale(name=spec.shortname))
        db.session.add(framework)
    _apply_scale(framework.scale, spec.scale)
    framework.shortname = spec.shortname
    framework.titles = spec.titles
    framework.descriptions = spec.descriptions
    framework.taxonomy = spec.taxonomy
    before = _stated_levels(framework) if framework.id is not None else None
    framework.evidence_levels = dict(spec.evidence_levels)
    existing = {c.code: c for c in framework.competences}
    made: dict[str, Competence] = {}
    for position, item in enumerate(spec.competences):
        competence = existing.get(item.code)
        if competence is None:
            competence = Competence(code=item.code, framework=framework)
            db.session.add(competence)
        competence.position = position
        competence.titles = item.titles
        competence.descriptions = item.descriptions
        competence.mappings = item.mappings
        competence.evidence_levels = dict(item.evidence_levels)
        competence.parent = made.get(item.parent_code)
        made[item.code] = competence
    db.session.flush()
    if before is not None and _stated_levels(framework) != before:
        refresh(None)
    return framework


def _apply_scale(scale: Scale, spec: moodle_csv.ScaleSpec) -> None:
    """Make ``scale``'s levels those of ``spec``, changing the levels it has in place: replacing
    them would insert a level before deleting the one with its value, which the unique
    (scale, value) refuses."""
    levels = scale.levels
    for value, (names, proficient) in enumerate(spec.levels, 1):
        if value > len(levels):
            levels.append(ScaleLevel(value=value, names=names, proficient=proficient))
            continue
        level = levels[value - 1]
        if (level.names, level.proficient) != (names, proficient):
            level.names, level.proficient = names, proficient
    del levels[len(spec.levels) :]


def _stated_levels(framework: Framework) -> tuple:
    """What the framework and its competences state about evidence levels, to see a change (after
    which everyone's requirement status is recomputed)."""
    own = sorted((c.code, sorted((c.evidence_levels or {}).items())) for c in framework.competences)
    return sorted((framework.evidence_levels or {}).items()), own


def framework_spec(framework: Framework) -> moodle_csv.FrameworkSpec:
    by_id = {c.id: c for c in framework.competences}
    return moodle_csv.FrameworkSpec(
        idnumber=framework.idnumber,
        shortname=framework.shortname,
        titles=dict(framework.titles),
        descriptions=dict(framework.descriptions),
        scale=moodle_csv.ScaleSpec([(dict(lv.names), lv.proficient) for lv in framework.scale.levels]),
        taxonomy=framework.taxonomy,
        evidence_levels=dict(framework.evidence_levels or {}),
        competences=[
            moodle_csv.CompetenceSpec(
                code=c.code,
                parent_code=by_id[c.parent_id].code if c.parent_id in by_id else "",
                titles=dict(c.titles),
                descriptions=dict(c.descriptions),
                mappings=list(c.mappings),
                evidence_levels=dict(c.evidence_levels or {}),
            )
            for c in sorted(framework.competences, key=lambda c: c.position)
        ],
    )


def export_framework(framework: Framework) -> bytes:
    return moodle_csv.write(framework_spec(framework))


def shipped_files() -> list[Path]:
    return sorted(SHIPPED.glob("*.csv"))


def load_shipped() -> list[Framework]:
    """Load (or update) the frameworks shipped with Lærevakt."""
    loaded = []
    for path in shipped_files():
        result = import_framework(path.read_bytes())
        if isinstance(result, list):
            raise ValueError(f"{path.name}: " + "; ".join(str(p) for p in result))
        loaded.append(result)
    return loaded


def competences_by_code(codes: Iterable[str]) -> dict[str, Competence]:
    codes = list(set(codes))
    if not codes:
        return {}
    query = sa.select(Competence).where(Competence.code.in_(codes))
    return {c.code: c for c in db.session.scalars(query)}


def competence_choices() -> list[Competence]:
    query = (
        sa.select(Competence)
        .join(Framework)
        .options(
            selectinload(Competence.framework).selectinload(Framework.scale).selectinload(Scale.levels)
        )
        .order_by(Framework.idnumber, Competence.position)
    )
    return list(db.session.scalars(query))


# What each kind of evidence can prove ------------------------------------------------------------


@dataclass(frozen=True)
class Ceiling:
    """What each kind of evidence can prove for one competence, as its framework file states."""

    top: int
    """The scale's highest level."""
    competence_levels: dict[str, int] = field(default_factory=dict)
    framework_levels: dict[str, int] = field(default_factory=dict)

    def cap(self, kind: EvidenceKind) -> int | None:
        """The highest level ``kind`` proves here, None when that is the top of the scale."""
        level = highest_level(kind, self.competence_levels, self.framework_levels)
        return None if level is None or level >= self.top else level


def ceilings() -> dict[int, Ceiling]:
    """Every competence's ceiling, by id: one query."""
    top = (
        sa.select(sa.func.count(ScaleLevel.id))
        .where(ScaleLevel.scale_id == Framework.scale_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Competence.id, Competence.evidence_levels, Framework.evidence_levels, top).join(
            Framework, Framework.id == Competence.framework_id
        )
    )
    return {
        competence_id: Ceiling(top or 0, dict(own or {}), dict(framework or {}))
        for competence_id, own, framework, top in rows
    }


@dataclass(frozen=True)
class ProvenLevel:
    """What one piece of evidence counts for, and what it would take to go higher."""

    declared: int
    proves: int
    next_level: int | None
    """The level above, when this kind of evidence cannot prove it (None: nothing to say)."""


def proven_level(evidence: Evidence, known: dict[int, Ceiling]) -> ProvenLevel:
    ceiling = known.get(evidence.competence_id)
    cap = ceiling.cap(evidence.kind) if ceiling else None
    proves = evidence.level if cap is None else min(evidence.level, cap)
    knowledge_only = cap is not None and proves == cap and evidence.kind in KNOWLEDGE_KINDS
    return ProvenLevel(evidence.level, proves, cap + 1 if knowledge_only else None)


# Evidence -----------------------------------------------------------------------------------------


def record_evidence(
    person: Person | int,
    competence: Competence,
    level: int,
    kind: EvidenceKind,
    *,
    achieved_at: datetime | None = None,
    valid_until: datetime | None = None,
    asserted_by: Person | None = None,
    source: str = "",
    note: str = "",
    refresh_now: bool = True,
) -> Evidence:
    """Append a piece of evidence and refresh the person's requirement status."""
    person_id = person if isinstance(person, int) else person.id
    evidence = Evidence(
        person_id=person_id,
        competence_id=competence.id,
        level=max(1, int(level)),
        kind=kind,
        achieved_at=achieved_at or utcnow(),
        valid_until=valid_until,
        asserted_by_id=asserted_by.id if asserted_by else None,
        source=source[:200],
        note=note[:500],
    )
    db.session.add(evidence)
    db.session.flush()
    if refresh_now:
        refresh([person_id])
    return evidence


def record_declared(
    person: Person | int,
    declared: Iterable[tuple[str, int]],
    kind: EvidenceKind,
    *,
    source: str,
    achieved_at: datetime | None = None,
) -> list[Evidence]:
    """Evidence for ``(code, level)`` pairs a module or workshop declares; unknown codes are skipped."""
    declared = list(declared)
    known = competences_by_code(code for code, _level in declared)
    made = [
        record_evidence(
            person, known[code], level, kind, source=source, achieved_at=achieved_at, refresh_now=False
        )
        for code, level in declared
        if code in known
    ]
    if made:
        refresh([made[0].person_id])
    return made


def withdraw_evidence(person_id: int, kind: EvidenceKind, source: str) -> int:
    """Remove the evidence of ``kind`` from ``source`` that an achievement since withdrawn gave the
    person (a workshop series' completion that rested on a mistaken tick), and refresh their
    status; returns how many pieces were removed."""
    removed = db.session.execute(
        sa.delete(Evidence).where(
            Evidence.person_id == person_id, Evidence.kind == kind, Evidence.source == source
        )
    ).rowcount
    if removed:
        refresh([person_id])
    return removed


def self_assess(person: Person, competence: Competence, level: int) -> Evidence:
    return record_evidence(
        person, competence, level, EvidenceKind.SELF, asserted_by=person, source="self"
    )


def sign_off(
    manager: Person,
    person: Person,
    competence: Competence,
    level: int,
    *,
    note: str = "",
    achieved_at: datetime | None = None,
) -> Evidence:
    """A manager has observed the person's practice at ``level``."""
    return record_evidence(
        person,
        competence,
        level,
        EvidenceKind.SIGN_OFF,
        asserted_by=manager,
        source="sign-off",
        note=note,
        achieved_at=achieved_at,
    )


def register_certificate(
    person: Person,
    competence: Competence,
    level: int,
    *,
    name: str,
    achieved_on: date,
    valid_until: date | None,
    by: Person,
) -> Evidence:
    return record_evidence(
        person,
        competence,
        level,
        EvidenceKind.CERTIFICATE,
        asserted_by=by,
        source=name,
        achieved_at=start_of_local_day(achieved_on),
        valid_until=start_of_local_day(valid_until) if valid_until else None,
    )


def evidence_trail(person: Person) -> list[Evidence]:
    query = (
        sa.select(Evidence)
        .where(Evidence.person_id == person.id)
        .options(selectinload(Evidence.competence), selectinload(Evidence.asserted_by))
        .order_by(Evidence.achieved_at.desc(), Evidence.id.desc())
    )
    return list(db.session.scalars(query))


# Requirements and status --------------------------------------------------------------------------


def add_requirement(
    competence: Competence,
    unit: Unit,
    min_level: int,
    *,
    mandatory: bool = True,
    role: Role | None = None,
    job_title: str | None = None,
    validity_months: int | None = 12,
    renewal_days: int = 60,
    by: Person | None = None,
    assign_due_on: date | None = None,
    recur_months: int | None = None,
) -> Requirement:
    """Add a requirement, refresh the status of the people it applies to and, when ``assign_due_on``
    is given, assign them the modules that give the evidence (again every ``recur_months``, when
    set)."""
    requirement = Requirement(
        competence=competence,
        unit=unit,
        min_level=min_level,
        mandatory=mandatory,
        role=role,
        job_title=job_title or None,
        validity_months=validity_months,
        renewal_days=renewal_days,
        created_by_id=by.id if by else None,
    )
    db.session.add(requirement)
    db.session.flush()
    people = [p for p, _r in applicable_pairs(requirement_ids=[requirement.id])]
    refresh(people)
    if assign_due_on is not None:
        assign_modules_for(requirement, assign_due_on, by=by, recur_months=recur_months)
    return requirement


def modules_giving(code: str, min_level: int) -> list[str]:
    """Published modules whose evidence gives ``code`` at ``min_level`` or above (no module gives a
    level above what a module can prove for the competence)."""
    from lms.content import services as content

    competence = competences_by_code([code]).get(code)
    ceiling = ceilings().get(competence.id) if competence else None
    cap = ceiling.cap(EvidenceKind.MODULE) if ceiling else None
    if cap is not None and cap < min_level:
        return []
    found = []
    for version in content.published_versions():
        for item in version.manifest.get("evidence", []):
            if item["competence"] == code and item["level"] >= min_level:
                found.append(version.module_id)
                break
    return found


def assign_modules_for(
    requirement: Requirement,
    due_on: date,
    *,
    by: Person | None = None,
    recur_months: int | None = None,
) -> int:
    from lms.assignments.services import assign_to_person, assign_to_unit

    made = 0
    options = {"by": by, "recur_months": recur_months, "requirement_id": requirement.id}
    for module_id in modules_giving(requirement.competence.code, requirement.min_level):
        if requirement.job_title:
            for person_id, _r in applicable_pairs(requirement_ids=[requirement.id]):
                assign_to_person(module_id, db.session.get(Person, person_id), due_on, **options)
                made += 1
        else:
            assign_to_unit(module_id, requirement.unit, due_on, role=requirement.role, **options)
            made += 1
    return made


def requirements_for_units(unit_ids: Iterable[int]) -> list[Requirement]:
    query = (
        sa.select(Requirement)
        .where(Requirement.unit_id.in_(list(unit_ids)))
        .options(selectinload(Requirement.competence), selectinload(Requirement.unit))
        .order_by(Requirement.id)
    )
    return list(db.session.scalars(query))


def _requirement_units():
    """(requirement_id, unit_id) for every unit at or below each requirement's unit."""
    tree = sa.select(Requirement.id.label("requirement_id"), Requirement.unit_id.label("unit_id")).cte(
        "requirement_units", recursive=True
    )
    return tree.union_all(
        sa.select(tree.c.requirement_id, Unit.id).where(Unit.parent_id == tree.c.unit_id)
    )


def applicable_query(
    person_ids: Sequence[int] | None = None,
    requirement_ids: Sequence[int] | None = None,
    *,
    distinct: bool = True,
):
    """(person_id, requirement_id) for each requirement that applies to each person, as a query.
    Without ``distinct``, a pair that two of a person's roles bring comes twice: cheaper for a
    caller that only takes the maximum or minimum per pair."""
    tree = _requirement_units()
    query = (
        sa.select(RoleAssignment.person_id, tree.c.requirement_id)
        .join(tree, tree.c.unit_id == RoleAssignment.unit_id)
        .join(Requirement, Requirement.id == tree.c.requirement_id)
        .join(Person, Person.id == RoleAssignment.person_id)
        .where(
            Person.active.is_(True),
            sa.or_(Requirement.role.is_(None), Requirement.role == RoleAssignment.role),
            sa.or_(Requirement.job_title.is_(None), Requirement.job_title == Person.job_title),
        )
    )
    if distinct:
        query = query.distinct()
    if person_ids is not None:
        ids = person_ids if isinstance(person_ids, sa.Select) else list(person_ids)
        query = query.where(RoleAssignment.person_id.in_(ids))
    if requirement_ids is not None:
        query = query.where(tree.c.requirement_id.in_(list(requirement_ids)))
    return query


def applicable_pairs(
    person_ids: Sequence[int] | None = None, requirement_ids: Sequence[int] | None = None
) -> list[tuple[int, int]]:
    """(person_id, requirement_id) for each requirement that applies to each person."""
    return [tuple(row) for row in db.session.execute(applicable_query(person_ids, requirement_ids))]


def _facts(person_ids: Sequence[int] | None):
    """Each person's evidence as the profile function reads it, each capped at what its kind can
    prove for its competence."""
    known = ceilings()
    query = sa.select(
        Evidence.person_id,
        Evidence.competence_id,
        Evidence.level,
        Evidence.kind,
        Evidence.achieved_at,
        Evidence.valid_until,
    )
    if person_ids is not None:
        query = query.where(Evidence.person_id.in_(list(person_ids)))
    by_person: dict[int, list[EvidenceFact]] = {}
    for row in db.session.execute(query):
        kind = EvidenceKind(row.kind)
        ceiling = known.get(row.competence_id)
        by_person.setdefault(row.person_id, []).append(
            EvidenceFact(
                row.competence_id,
                row.level,
                kind,
                row.achieved_at,
                row.valid_until,
                ceiling.cap(kind) if ceiling else None,
            )
        )
    return by_person


def _requirement_facts() -> dict[int, RequirementFact]:
    rows = db.session.execute(
        sa.select(
            Requirement.id,
            Requirement.competence_id,
            Requirement.min_level,
            Requirement.mandatory,
            Requirement.validity_months,
            Requirement.renewal_days,
        )
    )
    return {row.id: RequirementFact(*row) for row in rows}


def refresh(person_ids: Iterable[int] | None = None, *, now: datetime | None = None) -> int:
    """Recompute the stored requirement status of these people (everyone: None) with the profile
    function, and their matrix cells; returns the number of status rows written. A fixed number
    of queries, whatever the number of people (chunks of 500 for the IN lists)."""
    now = now or utcnow()
    if person_ids is None:
        chunks: list[list[int] | None] = [None]
    else:
        ids = sorted(set(person_ids))
        chunks = [ids[i : i + 500] for i in range(0, len(ids), 500)]
    requirements = _requirement_facts()
    written = 0
    for chunk in chunks:
        if chunk is not None and not chunk:
            continue
        pairs = applicable_pairs(chunk)
        facts = _facts(chunk if chunk is not None else None)
        delete = sa.delete(RequirementStatus)
        if chunk is not None:
            delete = delete.where(RequirementStatus.person_id.in_(chunk))
        db.session.execute(delete)
        by_person: dict[int, list[RequirementFact]] = {}
        for person_id, requirement_id in pairs:
            by_person.setdefault(person_id, []).append(requirements[requirement_id])
        rows = []
        for person_id, reqs in by_person.items():
            for state in compute_profile(facts.get(person_id, []), reqs, now).requirements:
                rows.append(
                    {
                        "person_id": person_id,
                        "requirement_id": state.requirement_id,
                        "competence_id": state.competence_id,
                        "state": int(state.state),
                        "level": state.level,
                        "since": state.since,
                        "valid_until": state.valid_until,
                        "updated_at": now,
                    }
                )
        if rows:
            db.session.execute(sa.insert(RequirementStatus.__table__), rows)
        written += len(rows)
    db.session.flush()
    _refresh_cells(None if person_ids is None else ids)
    signals.requirement_status_refreshed.send(
        current_app._get_current_object(), person_ids=None if person_ids is None else ids
    )
    return written


def _refresh_cells(person_ids: list[int] | None) -> None:
    """The matrix's cells follow the status (``lms.competence.cells``, which reads this module)."""
    from lms.competence.cells import refresh_cells

    refresh_cells(person_ids)


def refresh_expiring() -> int:
    """The nightly job: recompute everyone, so expiry, renewal windows and changed roles show."""
    return refresh(None)


def profile_of(person: Person, now: datetime | None = None) -> tuple[Profile, list[Requirement]]:
    """The person's profile as the profile function computes it now, and their requirements."""
    now = now or utcnow()
    ids = [r for _p, r in applicable_pairs([person.id])]
    requirements = list(
        db.session.scalars(
            sa.select(Requirement)
            .where(Requirement.id.in_(ids))
            .options(
                selectinload(Requirement.competence)
                .selectinload(Competence.framework)
                .selectinload(Framework.scale)
                .selectinload(Scale.levels),
                selectinload(Requirement.unit),
            )
            .order_by(Requirement.mandatory.desc(), Requirement.id)
        )
    )
    facts = _facts([person.id]).get(person.id, [])
    reqs = [
        RequirementFact(
            r.id, r.competence_id, r.min_level, r.mandatory, r.validity_months, r.renewal_days
        )
        for r in requirements
    ]
    return compute_profile(facts, reqs, now), requirements


def renewal_horizon(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
