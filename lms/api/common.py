"""What several resources share: paging, the summary of a sync, and turning a service's problems
into an error that names each record."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from lms.api.errors import ApiError, Detail
from lms.organisation.sync import SyncProblem

ExternalId = Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")


class Strict(BaseModel):
    """A request body: unknown fields are refused, so a misspelt field is not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(BaseModel):
    page: int = Field(default=1, ge=1, le=100_000, description="The page, from 1.")
    per_page: int = Field(default=100, ge=1, le=1000, description="How many items on a page.")


class Page(BaseModel):
    page: int
    per_page: int
    total: int


class SyncSummary(BaseModel):
    """What a sync changed. Sending the same batch again gives 0 created, 0 updated."""

    created: int
    updated: int
    unchanged: int


def refuse(problems: Sequence[SyncProblem], records: str) -> ApiError:
    """A 400 naming every bad record (or 409 when every problem is a clash with stored data)."""
    status = 409 if all(p.conflict for p in problems) else 400
    details = [
        Detail(where=f"{records}[{p.index}].{p.field}", what=p.message, external_id=p.external_id)
        for p in problems
    ]
    count = len({p.index for p in problems})
    return ApiError(status, f"{count} of the records cannot be saved; nothing was changed.", details)
