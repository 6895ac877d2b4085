"""Units: read them, and keep them in step with an HR system by external id."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from pydantic import BaseModel, Field

from lms.api.common import ExternalId, Strict, SyncSummary, refuse, summary_of
from lms.api.registry import operation
from lms.extensions import db
from lms.organisation.models import Unit, UnitKind
from lms.organisation.services import order_as_tree
from lms.organisation.unit_sync import UnitRecord, sync_units


class UnitOut(BaseModel):
    id: int
    external_id: str | None
    name: str
    kind: UnitKind
    parent_id: int | None


class UnitList(BaseModel):
    units: list[UnitOut]


class UnitIn(Strict):
    external_id: Annotated[str, ExternalId]
    name: str = Field(min_length=1, max_length=200)
    kind: UnitKind
    parent_external_id: Annotated[str | None, ExternalId] = Field(
        default=None, description="The parent's external id; none for a top unit (the municipality)."
    )


class UnitBatch(Strict):
    units: list[UnitIn] = Field(max_length=5000)


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.id,
        external_id=unit.external_id,
        name=unit.name,
        kind=unit.kind,
        parent_id=unit.parent_id,
    )


@operation("GET", "/units", scope="units:read", tag="units", response=UnitList)
def list_units() -> UnitList:
    """Every unit, parents before their children."""
    units = order_as_tree(db.session.scalars(sa.select(Unit)))
    return UnitList(units=[unit_out(u) for u in units])


@operation(
    "PUT",
    "/units",
    scope="units:write",
    tag="units",
    response=SyncSummary,
    body=UnitBatch,
    errors=(409,),
)
def put_units(body: UnitBatch) -> SyncSummary:
    """Create or update units by external id.

    All or nothing: if a record is bad (unknown parent, a loop, two units of one name under one
    parent), nothing changes and the error names each record. A unit of the same name under the same
    parent without an external id is taken to be the record's unit (the first sync). Units not in the
    batch are left alone. Sending the same batch again changes nothing.
    """
    records = [UnitRecord(u.external_id, u.name, u.kind, u.parent_external_id) for u in body.units]
    result = sync_units(records)
    if isinstance(result, list):
        raise refuse(result, "units")
    return summary_of(result, "api.units_sync")
