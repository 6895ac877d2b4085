"""Changing and removing a competence requirement: the status of the people it applies to is
refreshed, and the assignments it made follow it. Functions flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from lms.assignments.models import Assignment
from lms.competence.models import Requirement, RequirementStatus
from lms.competence.services import applicable_pairs, refresh
from lms.extensions import db


def update_requirement(
    requirement: Requirement,
    *,
    min_level: int,
    mandatory: bool,
    validity_months: int | None,
    renewal_days: int,
    assign_due_on: date | None = None,
    recur_months: int | None = None,
) -> dict[str, object]:
    """Change a requirement's level, kind and validity (and, when it assigned modules, their due
    date and recurrence), then refresh the status of the people it applies to. Returns what
    changed, ``{field: new value}``, for the audit log."""
    changes: dict[str, object] = {}
    wanted = {
        "min_level": min_level,
        "mandatory": mandatory,
        "validity_months": validity_months,
        "renewal_days": renewal_days,
    }
    for name, value in wanted.items():
        if getattr(requirement, name) != value:
            setattr(requirement, name, value)
            changes[name] = value
    for assignment in assignments_of(requirement):
        if assign_due_on is not None and assignment.due_on != assign_due_on:
            assignment.due_on = assign_due_on
            changes["due_on"] = assign_due_on.isoformat()
        if assignment.recur_months != recur_months:
            assignment.recur_months = recur_months
            changes["recur_months"] = recur_months
    db.session.flush()
    refresh([p for p, _r in applicable_pairs(requirement_ids=[requirement.id])])
    return changes


def assignments_of(requirement: Requirement) -> list[Assignment]:
    """The assignments the requirement made when it was added."""
    query = sa.select(Assignment).where(Assignment.requirement_id == requirement.id)
    return list(db.session.scalars(query.order_by(Assignment.id)))


@dataclass(frozen=True)
class Removal:
    """What removing a requirement takes with it (the confirmation page says so)."""

    people: int
    """People whose status on it goes."""
    assignments: int
    """Assignments it made, which go too."""


def removal_of(requirement: Requirement) -> Removal:
    people = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RequirementStatus)
        .where(RequirementStatus.requirement_id == requirement.id)
    )
    return Removal(people=people or 0, assignments=len(assignments_of(requirement)))


def remove_requirement(requirement: Requirement) -> Removal:
    """Remove a requirement with the assignments it made and everyone's status on it; the evidence
    and completions stay (they are the person's). Refreshes the people it applied to."""
    removal = removal_of(requirement)
    people = [p for p, _r in applicable_pairs(requirement_ids=[requirement.id])]
    for assignment in assignments_of(requirement):
        db.session.delete(assignment)
    db.session.execute(
        sa.delete(RequirementStatus).where(RequirementStatus.requirement_id == requirement.id)
    )
    db.session.delete(requirement)
    db.session.flush()
    refresh(people)
    return removal
