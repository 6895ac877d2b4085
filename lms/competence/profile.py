"""The competence profile: a pure function of a person's evidence, the requirements that apply to them
and the moment asked about. No database, no clock; the services feed it plain data.

Rules:
- Self-assessments are indicative only: they are shown, but never give a level and never meet a
  requirement.
- Each piece of evidence proves at most the highest level its kind can prove for its competence
  (``cap``, from the framework files: a module shows knowledge, level 1, unless the competence says
  otherwise); the level a module declares above that counts as the cap.
- Evidence at a level meets every requirement at that level or below; a higher level supersedes a
  lower one (the current level is the highest level still valid).
- Evidence is valid until its own ``valid_until`` or, for a requirement with a validity, until
  ``validity_months`` after it was achieved, whichever comes first.
- A met requirement is due for renewal ``renewal_days`` before its evidence runs out.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lms.competence.models import EvidenceKind, State

INDICATIVE = frozenset({EvidenceKind.SELF})
"""Kinds of evidence that never give a level or meet a requirement."""


@dataclass(frozen=True)
class EvidenceFact:
    competence_id: int
    level: int
    kind: EvidenceKind
    achieved_at: datetime
    valid_until: datetime | None = None
    cap: int | None = None
    """The highest level this kind of evidence can prove for the competence (None: any)."""

    @property
    def proves(self) -> int:
        """The level this evidence counts for: its own, no higher than its kind's cap."""
        return self.level if self.cap is None else min(self.level, self.cap)


@dataclass(frozen=True)
class RequirementFact:
    id: int
    competence_id: int
    min_level: int
    mandatory: bool = True
    validity_months: int | None = None
    renewal_days: int = 60


@dataclass(frozen=True)
class CompetenceLevel:
    competence_id: int
    level: int | None
    """The highest level valid now (None: none); self-assessments excluded."""
    valid_until: datetime | None
    self_assessed: int | None
    """The latest self-assessed level, shown as indicative."""


@dataclass(frozen=True)
class RequirementState:
    requirement_id: int
    competence_id: int
    state: State
    level: int | None
    """The highest level the person holds now for this competence (None: none)."""
    since: datetime | None
    """When the evidence that meets it (earliest still valid) was achieved."""
    valid_until: datetime | None
    """When it stops being met, unless renewed (None: never); for an expired one, when it ran out."""

    @property
    def met(self) -> bool:
        return self.state in (State.MET, State.RENEWAL_DUE)


@dataclass(frozen=True)
class Profile:
    levels: dict[int, CompetenceLevel]
    requirements: list[RequirementState]


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus whole calendar months (the 31st becomes the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry(fact: EvidenceFact, validity_months: int | None) -> datetime | None:
    """When ``fact`` stops counting under a validity of ``validity_months`` (None: never)."""
    limits = [fact.valid_until] if fact.valid_until is not None else []
    if validity_months is not None:
        limits.append(add_months(fact.achieved_at, validity_months))
    return min(limits) if limits else None


def _valid(until: datetime | None, now: datetime) -> bool:
    return until is None or until > now


def competence_levels(evidence: Iterable[EvidenceFact], now: datetime) -> dict[int, CompetenceLevel]:
    counted: dict[int, list[EvidenceFact]] = {}
    selves: dict[int, EvidenceFact] = {}
    for fact in evidence:
        if fact.achieved_at > now:
            continue
        if fact.kind in INDICATIVE:
            known = selves.get(fact.competence_id)
            if known is None or fact.achieved_at >= known.achieved_at:
                selves[fact.competence_id] = fact
        else:
            counted.setdefault(fact.competence_id, []).append(fact)
    levels: dict[int, CompetenceLevel] = {}
    for competence_id in counted.keys() | selves.keys():
        valid = [f for f in counted.get(competence_id, []) if _valid(f.valid_until, now)]
        level = max((f.proves for f in valid), default=None)
        until: datetime | None = None
        if level is not None:
            at_level = [f.valid_until for f in valid if f.proves == level]
            until = None if None in at_level else max(at_level)
        self_fact = selves.get(competence_id)
        levels[competence_id] = CompetenceLevel(
            competence_id, level, until, self_fact.level if self_fact else None
        )
    return levels


def requirement_state(
    requirement: RequirementFact, evidence: Iterable[EvidenceFact], now: datetime
) -> RequirementState:
    facts = [
        f
        for f in evidence
        if f.competence_id == requirement.competence_id
        and f.kind not in INDICATIVE
        and f.achieved_at <= now
    ]
    valid_levels = [f.proves for f in facts if _valid(f.valid_until, now)]
    level = max(valid_levels, default=None)
    qualifying = [f for f in facts if f.proves >= requirement.min_level]
    expiries = [(f, expiry(f, requirement.validity_months)) for f in qualifying]
    current = [(f, until) for f, until in expiries if _valid(until, now)]
    if current:
        ends = [until for _f, until in current]
        until = None if None in ends else max(ends)
        since = min(f.achieved_at for f, _until in current)
        due = until is not None and until - now <= timedelta(days=requirement.renewal_days)
        state = State.RENEWAL_DUE if due else State.MET
        return RequirementState(requirement.id, requirement.competence_id, state, level, since, until)
    if expiries:
        ran_out = max(until for _f, until in expiries if until is not None)
        return RequirementState(
            requirement.id, requirement.competence_id, State.EXPIRED, level, None, ran_out
        )
    return RequirementState(requirement.id, requirement.competence_id, State.MISSING, level, None, None)


def compute_profile(
    evidence: Iterable[EvidenceFact], requirements: Iterable[RequirementFact], now: datetime
) -> Profile:
    """The person's current levels and the state of each requirement that applies to them."""
    evidence = list(evidence)
    return Profile(
        levels=competence_levels(evidence, now),
        requirements=[requirement_state(r, evidence, now) for r in requirements],
    )
