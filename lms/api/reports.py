"""Completion and requirement status for reporting tools, from the services behind the managers'
pages (``lms.reports``, ``lms.competence``): the same figures, as JSON."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import BaseModel, Field

from lms.api.errors import ApiError
from lms.api.people import find_person
from lms.api.registry import operation
from lms.competence import services as competence
from lms.competence.models import State
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Unit
from lms.organisation.services import unit_ids_below
from lms.reports import services as reports


class Status(StrEnum):
    MET = "met"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"
    MISSING = "missing"


def status_of(state: State) -> Status:
    return Status(state.name.lower())


class CompletionQuery(BaseModel):
    today: date | None = Field(
        default=None, description="The day overdue is counted on (default: today)."
    )


class AssignmentCompletionOut(BaseModel):
    assignment_id: int
    module_id: str
    due_on: date
    done: int
    failed: int
    attended: int
    in_progress: int
    not_started: int
    overdue: int
    done_before: int = Field(
        description="Of those not done: how many did an earlier round of a recurring assignment."
    )
    total: int


class Completion(BaseModel):
    """Each assignment reaching people in the unit and the units below it."""

    unit_external_id: str
    assignments: list[AssignmentCompletionOut]


class CellOut(BaseModel):
    competence_code: str
    status: Status
    mandatory: bool
    level: int | None
    required: int
    valid_until: datetime | None


class PersonStatus(BaseModel):
    person_id: int
    person_external_id: str | None
    competences: list[CellOut]


class UnitCompetence(BaseModel):
    """Per person in the unit (and below), per competence required of them: the worst state of
    the requirements on it (mandatory before recommended)."""

    unit_external_id: str
    people: list[PersonStatus]


class RequirementOut(BaseModel):
    requirement_id: int
    competence_code: str
    unit_id: int
    mandatory: bool
    required_level: int
    status: Status
    level: int | None
    since: datetime | None
    valid_until: datetime | None


class PersonCompetence(BaseModel):
    person_external_id: str
    requirements: list[RequirementOut]


def _unit_ids(external_id: str) -> set[int]:
    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.external_id == external_id))
    if unit_id is None:
        raise ApiError(404, f"No unit has the external id '{external_id}'.")
    return unit_ids_below([unit_id])


@operation(
    "GET",
    "/units/<external_id>/completion",
    scope="reports:read",
    tag="reports",
    response=Completion,
    query=CompletionQuery,
)
def unit_completion(external_id: str, query: CompletionQuery) -> Completion:
    """Completion per assignment in a unit and the units below it."""
    found = reports.completion(_unit_ids(external_id), query.today or local_today())
    return Completion(
        unit_external_id=external_id,
        assignments=[
            AssignmentCompletionOut(
                assignment_id=item.assignment.id,
                module_id=item.assignment.module_id,
                due_on=item.assignment.due_on,
                done=item.done,
                failed=item.failed,
                attended=item.attended,
                in_progress=item.in_progress,
                not_started=item.not_started,
                overdue=item.overdue,
                done_before=item.done_before,
                total=item.total,
            )
            for item in found
        ],
    )


@operation(
    "GET",
    "/units/<external_id>/competence",
    scope="reports:read",
    tag="reports",
    response=UnitCompetence,
)
def unit_competence(external_id: str) -> UnitCompetence:
    """Requirement status per person and competence in a unit and the units below it."""
    found = reports.matrix(_unit_ids(external_id))
    codes = {column.competence.id: column.competence.code for column in found.columns}
    people = [
        PersonStatus(
            person_id=row.person.id,
            person_external_id=row.person.external_id,
            competences=[
                CellOut(
                    competence_code=codes[competence_id],
                    status=status_of(cell.state),
                    mandatory=cell.mandatory,
                    level=cell.level,
                    required=cell.required,
                    valid_until=cell.valid_until,
                )
                for competence_id, cell in sorted(row.cells.items())
            ],
        )
        for row in found.rows
    ]
    return UnitCompetence(unit_external_id=external_id, people=people)


@operation(
    "GET",
    "/people/<external_id>/competence",
    scope="reports:read",
    tag="reports",
    response=PersonCompetence,
)
def person_competence(external_id: str) -> PersonCompetence:
    """A person's requirements and their state now."""
    profile, requirements = competence.profile_of(find_person(external_id))
    by_id = {r.id: r for r in requirements}
    return PersonCompetence(
        person_external_id=external_id,
        requirements=[
            RequirementOut(
                requirement_id=state.requirement_id,
                competence_code=by_id[state.requirement_id].competence.code,
                unit_id=by_id[state.requirement_id].unit_id,
                mandatory=by_id[state.requirement_id].mandatory,
                required_level=by_id[state.requirement_id].min_level,
                status=status_of(state.state),
                level=state.level,
                since=state.since,
                valid_until=state.valid_until,
            )
            for state in profile.requirements
        ],
    )
