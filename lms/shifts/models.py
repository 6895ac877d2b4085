"""Shifts: working time only. A shift is a start and an end in UTC for a person; nothing about why
someone is not at work is ever stored (see ``docs/reminders.md``)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import text_enum, utcnow
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.shifts.working_time import ShiftKind


class ShiftSource(enum.StrEnum):
    MANUAL = "manual"
    CSV = "csv"
    ICS = "ics"
    API = "api"


class Shift(db.Model):
    __tablename__ = "shifts"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_shifts_person_period", "person_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    kind: Mapped[ShiftKind] = mapped_column(text_enum(ShiftKind))
    code: Mapped[str | None] = mapped_column(sa.String(20))
    source: Mapped[ShiftSource] = mapped_column(text_enum(ShiftSource))
    feed_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("shift_feeds.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()


class ShiftCode(db.Model):
    """A unit's own name for a kind of shift (``D1`` a day shift, ``LV`` a long weekend shift)."""

    __tablename__ = "shift_codes"
    __table_args__ = (sa.UniqueConstraint("unit_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[ShiftKind] = mapped_column(text_enum(ShiftKind))
    label: Mapped[str] = mapped_column(sa.String(100), default="")

    unit: Mapped[Unit] = relationship()


class ShiftFeed(db.Model):
    """An iCalendar feed of shifts, for one person or for a unit (events name people by ATTENDEE
    e-mail). The URL is a secret: pages show it masked."""

    __tablename__ = "shift_feeds"
    __table_args__ = (sa.CheckConstraint("(unit_id IS NULL) <> (person_id IS NULL)", name="one_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(sa.Text)
    last_synced_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
