"""What several resources share: paging, the summary of a sync, and turning a service's problems
into an error that names each record."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, field_validator

from lms.api.auth import record_change
from lms.api.errors import ApiError, Detail
from lms.core.paging import MAX_PAGE
from lms.extensions import db
from lms.organisation.sync import SyncProblem, SyncResult
from lms.organisation.unit_sync import UnitSyncResult

ExternalId = Field(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")


def is_plain_text(text: str) -> bool:
    """Whether ``text`` is Unicode text without control characters (which no database field takes,
    and which no name, e-mail or id has)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(unicodedata.category(character) == "Cc" for character in text)


class Strict(BaseModel):
    """A request body: unknown fields are refused, so a misspelt field is not silently ignored, and
    text must be plain text."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value):
        if isinstance(value, str) and not is_plain_text(value):
            raise ValueError("must be text without control characters")
        return value


class PageQuery(BaseModel):
    page: int = Field(default=1, ge=1, le=MAX_PAGE, description="The page, from 1.")
    per_page: int = Field(default=100, ge=1, le=1000, description="How many items on a page.")


class Page(BaseModel):
    page: int
    per_page: int
    total: int


def page_of(query: sa.Select, paging: PageQuery) -> tuple[list, Page]:
    """One page of what ``query`` (ordered) finds, and where the page is in the whole."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    found = db.session.scalars(query.limit(paging.per_page).offset((paging.page - 1) * paging.per_page))
    return list(found), Page(page=paging.page, per_page=paging.per_page, total=total or 0)


class SyncSummary(BaseModel):
    """What a sync changed. Sending the same batch again gives 0 created, 0 updated."""

    created: int
    updated: int
    unchanged: int


def summary_of(result: SyncResult | UnitSyncResult, action: str) -> SyncSummary:
    """The answer to a sync; a sync that changed something goes to the audit log as ``action``."""
    created, updated = len(result.created), len(result.updated)
    if created or updated:
        record_change(action, details={"created": created, "updated": updated})
    return SyncSummary(created=created, updated=updated, unchanged=result.unchanged)


def refuse(problems: Sequence[SyncProblem], records: str) -> ApiError:
    """A 400 naming every bad record (409 when every problem is a clash with stored data, 403 when
    every problem is a change the key may not make)."""
    if all(p.forbidden for p in problems):
        status = 403
    else:
        status = 409 if all(p.conflict for p in problems) else 400
    details = [
        Detail(where=f"{records}[{p.index}].{p.field}", what=p.message, external_id=p.external_id)
        for p in problems
    ]
    count = len({p.index for p in problems})
    return ApiError(status, f"{count} of the records cannot be saved; nothing was changed.", details)
