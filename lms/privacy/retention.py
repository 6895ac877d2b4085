"""The nightly retention job: erase people inactive too long; delete old audit entries and sent
reminders. (Sign-in links and delivered outbox rows have their own prune jobs, with their periods
in ``LMS_RETENTION_SIGN_IN_LINK_DAYS`` and ``LMS_XAPI_KEEP_SENT_DAYS``.) A row is removed once it is
strictly older than its period. See docs/privacy.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from lms.audit.models import AuditEntry
from lms.audit.services import record
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.services import erase
from lms.reminders.models import Reminder


@dataclass(frozen=True)
class Applied:
    people_erased: int
    audit_entries_deleted: int
    reminders_deleted: int


def _days(name: str) -> timedelta:
    return timedelta(days=current_app.config[name])


def erase_long_inactive(now: datetime) -> int:
    """Erase everyone inactive for longer than ``LMS_RETENTION_INACTIVE_DAYS`` (0: nobody)."""
    if not current_app.config["RETENTION_INACTIVE_DAYS"]:
        return 0
    cutoff = now - _days("RETENTION_INACTIVE_DAYS")
    people = db.session.scalars(
        sa.select(Person).where(
            Person.active.is_(False), Person.erased_at.is_(None), Person.inactive_since < cutoff
        )
    ).all()
    for person in people:
        erase(person, None, now)
    return len(people)


def apply_retention(now: datetime | None = None) -> Applied:
    """Apply every retention period as of ``now``; the run is itself recorded in the audit log
    when it removed something."""
    now = now or utcnow()
    erased = erase_long_inactive(now)
    audit = db.session.execute(
        sa.delete(AuditEntry).where(AuditEntry.created_at < now - _days("RETENTION_AUDIT_DAYS"))
    ).rowcount
    reminder_cutoff = now - _days("RETENTION_REMINDER_DAYS")
    reminders = db.session.execute(
        sa.delete(Reminder).where(
            sa.func.coalesce(Reminder.sent_at, Reminder.claimed_at) < reminder_cutoff
        )
    ).rowcount
    applied = Applied(erased, audit or 0, reminders or 0)
    if any(asdict(applied).values()):
        record(None, "retention.apply", details=asdict(applied), at=now)
    return applied
