"""Giving modules to people and finding what is due. Functions flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.assignments.models import Assignment
from lms.audit.services import record
from lms.content.models import LearningModule
from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Person, Role, RoleAssignment, Unit


def assign_to_unit(
    module_id: str, unit: Unit, due_on: date, *, role: Role | None = None, by: Person | None = None
) -> Assignment:
    assignment = Assignment(
        module_id=module_id, unit=unit, role=role, due_on=due_on, assigned_by_id=by and by.id
    )
    db.session.add(assignment)
    db.session.flush()
    _audit(assignment, by)
    return assignment


def assign_to_person(
    module_id: str, person: Person, due_on: date, *, by: Person | None = None
) -> Assignment:
    assignment = Assignment(
        module_id=module_id, person=person, due_on=due_on, assigned_by_id=by and by.id
    )
    db.session.add(assignment)
    db.session.flush()
    _audit(assignment, by)
    return assignment


def audit_details(assignment: Assignment) -> dict:
    """What the audit log keeps of a new assignment: ids and the date, no names."""
    details = {"module_id": assignment.module_id, "unit_id": assignment.unit_id}
    return details | {"person_id": assignment.person_id, "due_on": assignment.due_on.isoformat()}


def _audit(assignment: Assignment, by: Person | None) -> None:
    """Assignments someone made (not the demo's) go to the audit log."""
    if by is not None:
        record(by, "assignment.create", "assignment", assignment.id, audit_details(assignment))


@dataclass(frozen=True)
class DueItem:
    module_id: str
    due_on: date
    titles: dict
    minutes: int

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def assignments_for(person: Person) -> list[Assignment]:
    """Every assignment reaching ``person``: on them, or on a unit (or above one) they hold a role in."""
    held = (
        sa.select(RoleAssignment.unit_id, RoleAssignment.role)
        .where(RoleAssignment.person_id == person.id)
        .subquery("held")
    )
    upward = (
        sa.select(Unit.id, Unit.parent_id, held.c.role)
        .join(held, held.c.unit_id == Unit.id)
        .cte("upward", recursive=True)
    )
    parent = sa.orm.aliased(Unit)
    upward = upward.union(
        sa.select(parent.id, parent.parent_id, upward.c.role).join(
            upward, upward.c.parent_id == parent.id
        )
    )
    reaches_through_unit = sa.exists().where(
        upward.c.id == Assignment.unit_id,
        sa.or_(Assignment.role.is_(None), Assignment.role == upward.c.role),
    )
    query = (
        sa.select(Assignment)
        .where(sa.or_(Assignment.person_id == person.id, reaches_through_unit))
        .options(selectinload(Assignment.module).selectinload(LearningModule.current_version))
    )
    return list(db.session.scalars(query))


def due_for(person: Person) -> list[DueItem]:
    """Assigned modules the person has not completed, the earliest due date per module, soonest first."""
    completed = set(
        db.session.scalars(
            sa.select(Attempt.module_id).where(
                Attempt.person_id == person.id,
                Attempt.completed_at.is_not(None),
                sa.or_(Attempt.passed.is_(True), Attempt.passed.is_(None)),
            )
        )
    )
    earliest: dict[str, Assignment] = {}
    for assignment in assignments_for(person):
        version = assignment.module.current_version
        if assignment.module_id in completed or version is None:
            continue
        known = earliest.get(assignment.module_id)
        if known is None or assignment.due_on < known.due_on:
            earliest[assignment.module_id] = assignment
    items = [
        DueItem(
            module_id=a.module_id,
            due_on=a.due_on,
            titles=a.module.current_version.manifest["title"],
            minutes=a.module.current_version.manifest["minutes"],
        )
        for a in earliest.values()
    ]
    return sorted(items, key=lambda item: item.due_on)
