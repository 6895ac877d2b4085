"""Assignments: modules given to a unit (or a role in it) or a person, due by a date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import sqlalchemy as sa
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.orm import selectinload

from lms.api.auth import record_change
from lms.api.common import ExternalId, Page, PageQuery, Strict, page_of
from lms.api.errors import ApiError, Detail
from lms.api.people import find_person
from lms.api.registry import operation
from lms.assignments import services
from lms.assignments.models import Assignment
from lms.content.models import LearningModule
from lms.extensions import db
from lms.organisation.models import Role, Unit


class AssignmentOut(BaseModel):
    id: int
    module_id: str
    due_on: date
    unit_id: int | None
    unit_external_id: str | None
    role: Role | None = Field(description="With a unit: only people holding this role there.")
    person_external_id: str | None
    recur_months: int | None = Field(
        description="Due again this many months after each completion; null: once."
    )
    created_at: datetime


class AssignmentPage(BaseModel):
    assignments: list[AssignmentOut]
    page: Page


class AssignmentIn(Strict):
    """A module for everyone in a unit and the units below it (only those holding ``role``, when
    given), or for one person."""

    module_id: str = Field(min_length=1, max_length=64)
    due_on: date
    unit_external_id: Annotated[str | None, ExternalId] = None
    role: Role | None = None
    person_external_id: Annotated[str | None, ExternalId] = None
    recur_months: int | None = Field(
        None, ge=1, le=60, description="Due again this many months after each completion."
    )

    @model_validator(mode="after")
    def one_target(self) -> AssignmentIn:
        if (self.unit_external_id is None) == (self.person_external_id is None):
            raise ValueError("give either unit_external_id or person_external_id")
        if self.role is not None and self.unit_external_id is None:
            raise ValueError("role goes with unit_external_id")
        return self


def assignment_out(a: Assignment) -> AssignmentOut:
    return AssignmentOut(
        id=a.id,
        module_id=a.module_id,
        due_on=a.due_on,
        unit_id=a.unit_id,
        unit_external_id=a.unit.external_id if a.unit else None,
        role=a.role,
        person_external_id=a.person.external_id if a.person else None,
        recur_months=a.recur_months,
        created_at=a.created_at,
    )


@operation(
    "GET",
    "/assignments",
    scope="assignments:read",
    tag="assignments",
    response=AssignmentPage,
    query=PageQuery,
)
def list_assignments(query: PageQuery) -> AssignmentPage:
    """Every assignment, oldest first, a page at a time."""
    found, page = page_of(
        sa.select(Assignment)
        .options(selectinload(Assignment.unit), selectinload(Assignment.person))
        .order_by(Assignment.id),
        query,
    )
    return AssignmentPage(assignments=[assignment_out(a) for a in found], page=page)


@operation(
    "POST",
    "/assignments",
    scope="assignments:write",
    tag="assignments",
    response=AssignmentOut,
    body=AssignmentIn,
    status=201,
    errors=(422,),
)
def create_assignment(body: AssignmentIn) -> AssignmentOut:
    """Assign a module to a unit (or a role in it) or to a person."""
    if db.session.get(LearningModule, body.module_id) is None:
        raise ApiError(422, details=[Detail(where="module_id", what="no module has this id.")])
    if body.person_external_id is not None:
        person = find_person(body.person_external_id)
        made = services.assign_to_person(
            body.module_id, person, body.due_on, recur_months=body.recur_months
        )
        return _recorded(made)
    unit = db.session.scalar(sa.select(Unit).where(Unit.external_id == body.unit_external_id))
    if unit is None:
        raise ApiError(
            422, details=[Detail(where="unit_external_id", what="no unit has this external id.")]
        )
    made = services.assign_to_unit(
        body.module_id, unit, body.due_on, role=body.role, recur_months=body.recur_months
    )
    return _recorded(made)


def _recorded(assignment: Assignment) -> AssignmentOut:
    details = services.audit_details(assignment)
    record_change("assignment.create", "assignment", assignment.id, details)
    return assignment_out(assignment)
