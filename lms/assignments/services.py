"""Giving modules to people and finding what is due. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from lms.assignments.cycle import Cycle, cycle, fair_due_on
from lms.assignments.models import Assignment
from lms.audit.services import record
from lms.content.models import LearningModule
from lms.core.time import local_today, local_zone
from lms.extensions import db
from lms.learning.models import Attempt
from lms.learning.standing import DONE_OUTCOMES
from lms.organisation.models import Person, Role, RoleAssignment, Unit


def assign_to_unit(
    module_id: str,
    unit: Unit,
    due_on: date,
    *,
    role: Role | None = None,
    by: Person | None = None,
    recur_months: int | None = None,
    requirement_id: int | None = None,
) -> Assignment:
    """Give the module to everyone in ``unit`` and below (holding ``role``, when set), due by
    ``due_on`` and, with ``recur_months``, again that many months after each completion."""
    assignment = Assignment(module_id=module_id, unit=unit, role=role, due_on=due_on)
    return _add(assignment, by, recur_months, requirement_id)


def assign_to_person(
    module_id: str,
    person: Person,
    due_on: date,
    *,
    by: Person | None = None,
    recur_months: int | None = None,
    requirement_id: int | None = None,
) -> Assignment:
    assignment = Assignment(module_id=module_id, person=person, due_on=due_on)
    return _add(assignment, by, recur_months, requirement_id)


def _add(
    assignment: Assignment, by: Person | None, recur_months: int | None, requirement_id: int | None
) -> Assignment:
    assignment.assigned_by_id = by and by.id
    assignment.recur_months = recur_months
    assignment.requirement_id = requirement_id
    db.session.add(assignment)
    db.session.flush()
    _audit(assignment, by)
    return assignment


def audit_details(assignment: Assignment) -> dict:
    """What the audit log keeps of a new assignment: ids and the date, no names."""
    details = {"module_id": assignment.module_id, "unit_id": assignment.unit_id}
    details |= {"person_id": assignment.person_id, "due_on": assignment.due_on.isoformat()}
    return details | {"recur_months": assignment.recur_months}


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


def assignments_for(person: Person, module_id: str | None = None) -> list[Assignment]:
    """Every assignment reaching ``person``: on them, or on a unit (or above one) they hold a role
    in; only those of ``module_id`` when given."""
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
    if module_id is not None:
        query = query.where(Assignment.module_id == module_id)
    return list(db.session.scalars(query))


def completed_on(person_ids: Iterable[int] | sa.Select) -> dict[tuple[int, str], date]:
    """The local date of each person's last completion (passed, or not graded) of each module, by
    ``(person_id, module_id)``: one query."""
    ids = person_ids if isinstance(person_ids, sa.Select) else list(person_ids)
    rows = db.session.execute(
        sa.select(Attempt.person_id, Attempt.module_id, sa.func.max(Attempt.completed_at))
        .where(
            Attempt.person_id.in_(ids),
            Attempt.completed_at.is_not(None),
            Attempt.outcome.in_(DONE_OUTCOMES),
        )
        .group_by(Attempt.person_id, Attempt.module_id)
    )
    zone = local_zone()
    return {(pid, mid): last.astimezone(zone).date() for pid, mid, last in rows}


def start_dates(person_ids: Iterable[int] | sa.Select) -> dict[int, date]:
    """Each person's start date (``Person.start_date``), for those who have one: one query."""
    ids = person_ids if isinstance(person_ids, sa.Select) else list(person_ids)
    query = sa.select(Person.id, Person.start_date).where(
        Person.id.in_(ids), Person.start_date.is_not(None)
    )
    return dict(db.session.execute(query).all())


def due_on_for(assignment: Assignment, starts_on: date | None) -> date:
    """The assignment's due date for a person who started on ``starts_on``: a unit assignment gives
    everyone at least ``LMS_LATE_JOINER_DAYS`` from their start (``cycle.fair_due_on``,
    ``docs/introduction.md``); one given to the person keeps its date."""
    if assignment.unit_id is None:
        return assignment.due_on
    days = int(current_app.config.get("LATE_JOINER_DAYS", 30))
    return fair_due_on(assignment.due_on, starts_on, days)


def cycle_of(
    assignment: Assignment,
    person_id: int,
    done: dict[tuple[int, str], date],
    starts: Mapping[int, date],
) -> Cycle:
    """When this person is next due for ``assignment``, given ``completed_on``'s and
    ``start_dates``' answers. Mine, the reminder planner and the managers' reports all ask this."""
    last = done.get((person_id, assignment.module_id))
    return cycle(due_on_for(assignment, starts.get(person_id)), assignment.recur_months, last)


def open_assignments(
    person_id: int,
    assignments: Iterable[Assignment],
    done: dict[tuple[int, str], date],
    starts: Mapping[int, date],
    today: date,
) -> dict[str, tuple[Assignment, Cycle]]:
    """The assignments open for the person now, the one due soonest per module."""
    earliest: dict[str, tuple[Assignment, Cycle]] = {}
    for assignment in assignments:
        if assignment.module.current_version is None:
            continue
        state = cycle_of(assignment, person_id, done, starts)
        if not state.is_open(today):
            continue
        known = earliest.get(assignment.module_id)
        if known is None or state.due_on < known[1].due_on:
            earliest[assignment.module_id] = (assignment, state)
    return earliest


def open_round(person: Person, module_id: str, last_done: date, today: date) -> Cycle | None:
    """The round of ``module_id`` open for the person now (the one due soonest), given the local
    date of their latest completion of it, as ``due_for`` finds it; None when none is: a one-off
    done for good, a recurring one not yet opened again, or no assignment of it at all."""
    starts = {person.id: person.start_date} if person.start_date else {}
    done = {(person.id, module_id): last_done}
    found = open_assignments(person.id, assignments_for(person, module_id), done, starts, today).get(
        module_id
    )
    return None if found is None else found[1]


def due_for(person: Person, today: date | None = None) -> list[DueItem]:
    """Assigned modules open for the person (not completed, or a recurring one's new cycle has
    opened), the earliest due date per module, soonest first."""
    today = today or local_today()
    done = completed_on([person.id])
    starts = {person.id: person.start_date} if person.start_date else {}
    items = [
        DueItem(
            module_id=a.module_id,
            due_on=state.due_on,
            titles=a.module.current_version.manifest["title"],
            minutes=a.module.current_version.manifest["minutes"],
        )
        for a, state in open_assignments(
            person.id, assignments_for(person), done, starts, today
        ).values()
    ]
    return sorted(items, key=lambda item: item.due_on)
