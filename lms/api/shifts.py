"""Shifts: rostering systems push a person's shifts for a period; reporting reads them back."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from lms.api.auth import record_change
from lms.api.common import Strict
from lms.api.errors import ApiError, Detail
from lms.api.people import find_person
from lms.api.registry import operation
from lms.shifts import services
from lms.shifts.models import ShiftSource
from lms.shifts.working_time import ShiftKind


class ShiftIn(Strict):
    starts_at: AwareDatetime = Field(description="With its offset, e.g. 2026-03-29T07:30:00+02:00.")
    ends_at: AwareDatetime
    code: str | None = Field(default=None, min_length=1, max_length=20, description="The roster's code.")


class ShiftPeriod(Strict):
    """A person's shifts starting in [start, end): they replace what is stored there."""

    start: AwareDatetime
    end: AwareDatetime
    shifts: list[ShiftIn] = Field(max_length=2000)


class PeriodQuery(BaseModel):
    start: AwareDatetime = Field(description="Shifts ending after this moment (with offset).")
    end: AwareDatetime = Field(description="Shifts starting before this moment (with offset).")


class ShiftOut(BaseModel):
    starts_at: datetime = Field(description="In UTC.")
    ends_at: datetime = Field(description="In UTC.")
    kind: ShiftKind
    code: str | None
    source: ShiftSource


class ShiftList(BaseModel):
    shifts: list[ShiftOut]


class ShiftSummary(BaseModel):
    """What replacing the period changed. Sending the same period again gives 0 added, 0 removed."""

    added: int
    removed: int
    unchanged: int


@operation(
    "GET",
    "/people/<external_id>/shifts",
    scope="shifts:read",
    tag="shifts",
    response=ShiftList,
    query=PeriodQuery,
)
def list_shifts(external_id: str, query: PeriodQuery) -> ShiftList:
    """A person's shifts overlapping a period."""
    person = find_person(external_id)
    found = services.shifts_of(person, query.start, query.end)
    return ShiftList(
        shifts=[
            ShiftOut(starts_at=s.starts_at, ends_at=s.ends_at, kind=s.kind, code=s.code, source=s.source)
            for s in found
        ]
    )


@operation(
    "PUT",
    "/people/<external_id>/shifts",
    scope="shifts:write",
    tag="shifts",
    response=ShiftSummary,
    body=ShiftPeriod,
    errors=(422,),
)
def replace_shifts(external_id: str, body: ShiftPeriod) -> ShiftSummary:
    """Replace a person's shifts starting in a period.

    Times carry their offset and are stored in UTC. Shifts already stored as sent are kept, so
    sending the same period again changes nothing. All or nothing: a bad shift, or one overlapping
    another (also one just outside the period), changes nothing and the error names it.
    """
    person = find_person(external_id)
    wanted = [(s.starts_at, s.ends_at, s.code) for s in body.shifts]
    result = services.replace_period(person, body.start, body.end, wanted)
    if isinstance(result, list):
        details = [
            Detail(where=p.field if p.index is None else f"shifts[{p.index}].{p.field}", what=p.message)
            for p in result
        ]
        raise ApiError(422, "The shifts cannot be saved; nothing was changed.", details)
    if result.added or result.removed:
        changes = {"added": result.added, "removed": result.removed}
        record_change("api.shifts_replace", "person", person.id, changes)
    return ShiftSummary(added=result.added, removed=result.removed, unchanged=result.unchanged)
