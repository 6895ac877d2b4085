"""Write to the audit log, and read it back a page at a time with the people's names."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from lms.audit.actions import ACTIONS
from lms.audit.models import AuditEntry
from lms.core.time import start_of_local_day
from lms.core.transactions import write_in_a_reading_request
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person


def record(
    actor: Person | None,
    action: str,
    subject_type: str = "",
    subject_id: object = "",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add an entry for ``action`` (a code from ``ACTIONS``) done by ``actor`` (None: a job) to
    ``subject_type`` ``subject_id``. ``details`` holds ids, counts and codes, never names. Flushes.

    A GET noting an export ends its read transaction first (``write_in_a_reading_request``): on
    SQLite it could not take the write lock once another connection had committed."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    write_in_a_reading_request()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id="" if subject_id is None else str(subject_id),
        details=details or {},
        created_at=at or utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class Filters:
    action: str = ""
    person_id: int | None = None
    """Entries this person did, or that were done to them."""
    since: date | None = None
    until: date | None = None
    """Local dates, both included."""


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    people: dict[int, Person]
    """Everyone the page's entries name (actors and people acted on), by id."""
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def _where(filters: Filters) -> list:
    where = []
    if filters.action:
        where.append(AuditEntry.action == filters.action)
    if filters.person_id is not None:
        where.append(
            sa.or_(
                AuditEntry.actor_id == filters.person_id,
                sa.and_(
                    AuditEntry.subject_type == "person",
                    AuditEntry.subject_id == str(filters.person_id),
                ),
            )
        )
    if filters.since:
        where.append(AuditEntry.created_at >= start_of_local_day(filters.since))
    if filters.until:
        where.append(AuditEntry.created_at < start_of_local_day(filters.until + timedelta(days=1)))
    return where


def entries(filters: Filters, page: int = 1, per_page: int = 50) -> Page:
    """One page of entries, newest first, in three queries whatever the page holds."""
    where = _where(filters)
    total = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(*where))
    found = list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(*where)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    ids = {e.actor_id for e in found if e.actor_id is not None}
    ids |= {int(e.subject_id) for e in found if e.subject_type == "person" and e.subject_id.isdigit()}
    people = db.session.scalars(sa.select(Person).where(Person.id.in_(ids))) if ids else []
    return Page(found, {p.id: p for p in people}, total, page, per_page)


def actors() -> list[Person]:
    """Everyone who has done something the log records, by name (the person filter's choices)."""
    acting = sa.select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct()
    return list(db.session.scalars(sa.select(Person).where(Person.id.in_(acting)).order_by(Person.name)))


def record_by_user(
    action: str, subject_type: str = "", subject_id: object = "", details: dict[str, Any] | None = None
) -> AuditEntry:
    """``record`` with the signed-in person as the actor: for views."""
    from flask_login import current_user

    return record(current_user._get_current_object(), action, subject_type, subject_id, details)


def removed_from(
    action: str,
    subject_type: str,
    subject_id: object,
    unit_ids: Collection[int],
    **same: object,
) -> bool:
    """Whether the log says ``subject_type`` ``subject_id`` was removed (``action``, whose details
    name the ``unit_id`` it was on) from one of ``unit_ids``, with details equal to ``same``.

    The log is the tombstone a removed row leaves: with it a page tells "removed from where you
    may see" (say so, ``lms.core.gone``) from "never existed, or removed elsewhere", which must
    stay a plain 404 so that ids reveal nothing about other units."""
    return any(
        details.get("unit_id") in unit_ids
        and all(details.get(name) == value for name, value in same.items())
        for details in _removals(action, subject_type, subject_id)
    )


def removed_by(person_id: int, action: str, subject_type: str, subject_id: object) -> bool:
    """Whether the log says ``person_id`` removed ``subject_type`` ``subject_id`` of their own
    (``action``, done by them, whose details name them as ``person_id``): the tombstone of a
    person's own thing, as ``removed_from`` is of a unit's. Someone else's, or one never there,
    stays a plain 404."""
    return any(
        details.get("person_id") == person_id
        for details in _removals(action, subject_type, subject_id, AuditEntry.actor_id == person_id)
    )


def _removals(action: str, subject_type: str, subject_id: object, *where) -> list[dict]:
    """The details of the log's ``action`` entries on ``subject_type`` ``subject_id``."""
    query = sa.select(AuditEntry.details).where(
        AuditEntry.subject_type == subject_type,
        AuditEntry.subject_id == str(subject_id),
        AuditEntry.action == action,
        *where,
    )
    return [details or {} for details in db.session.scalars(query)]
