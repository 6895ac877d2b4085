"""Reminders as sent (one row per unique key), people's choices, push subscriptions, units' policies
and the scheduler's lease."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import utcnow
from lms.extensions import db


class Reminder(db.Model):
    """A reminder claimed for sending. The row is inserted with insert-or-nothing on ``key`` before
    anything goes out, so each key is sent once; ``sent_at`` is set when the channels have been
    tried. A row with ``claimed_at`` and no ``sent_at`` after a while was interrupted (a crash between
    claiming and sending) and is never sent again: see docs/reminders.md. The row is also the in-app
    notification."""

    __tablename__ = "reminders"
    __table_args__ = (sa.Index("ix_reminders_person_claimed", "person_id", "claimed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    """``assignment``, ``session``, ``practice`` (a practice follow-up) or ``digest``."""
    stage: Mapped[str] = mapped_column(sa.String(20))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str] = mapped_column(sa.String(500))
    counts_to_cap: Mapped[bool] = mapped_column(default=True)
    claimed_at: Mapped[datetime]
    claimed_by: Mapped[str] = mapped_column(sa.String(100), default="")
    sent_at: Mapped[datetime | None]
    channels: Mapped[str] = mapped_column(sa.String(100), default="")
    """The channels it went out on, comma-separated (``in_app`` always)."""
    snoozed_until: Mapped[datetime | None] = mapped_column(index=True)
    snooze_count: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime | None]


class ReminderPreference(db.Model):
    __tablename__ = "reminder_preferences"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[bool] = mapped_column(default=True)
    push: Mapped[bool] = mapped_column(default=False)
    sms: Mapped[bool] = mapped_column(default=False)
    quiet_start: Mapped[time] = mapped_column(default=time(22, 0))
    quiet_end: Mapped[time] = mapped_column(default=time(8, 0))
    night_ok: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PushSubscription(db.Model):
    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(200))
    auth: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnitReminderPolicy(db.Model):
    """A unit's learning windows (minutes after shift start, and length, per shift kind) and weekly
    cap. Units without a row use the defaults of ``lms.reminders.planner.Policy``."""

    __tablename__ = "unit_reminder_policies"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    windows: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    weekly_cap: Mapped[int] = mapped_column(default=2)
