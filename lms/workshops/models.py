"""Workshop series in the style of the ABC reflection groups: a facilitator, a handful of people, a
meeting every two or three weeks; attendance, notes, a short evaluation and completion."""

from __future__ import annotations

import enum
import secrets
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import LearningModule
from lms.db import text_enum, utcnow
from lms.extensions import db
from lms.organisation.models import Person, Unit

DEFAULT_SHARE = 80
"""The share of a series' sessions (percent) a person must attend to complete it."""


def new_token() -> str:
    return secrets.token_urlsafe(18)


class ParticipantStatus(enum.StrEnum):
    SIGNED_UP = "signed_up"
    INVITED = "invited"
    WAITING = "waiting"

    @property
    def label(self) -> str:
        return str(PARTICIPANT_STATUS_LABELS[self])


PARTICIPANT_STATUS_LABELS = {
    ParticipantStatus.SIGNED_UP: _l("Påmeldt"),
    ParticipantStatus.INVITED: _l("Invitert"),
    ParticipantStatus.WAITING: _l("Venteliste"),
}


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"

    @property
    def label(self) -> str:
        return str(ACTION_STATUS_LABELS[self])


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: _l("Åpen"),
    ActionStatus.DONE: _l("Fullført"),
}


class CheckInMethod(enum.StrEnum):
    SELF = "self"
    FACILITATOR = "facilitator"


class WorkshopSeries(db.Model):
    """A planned series of sessions for one unit (and the units below it)."""

    __tablename__ = "workshop_series"
    __table_args__ = (
        sa.CheckConstraint("required_share BETWEEN 1 AND 100", name="share_range"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    """The series' xAPI registration."""
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    facilitator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    """Markdown, rendered with ``lms.text.render_markdown``."""
    agenda: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    """The facilitator guide's timed steps: ``[{"minutes": 10, "text": "Innledning"}, ...]``."""
    questions: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    """Discussion questions of the facilitator guide."""
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int] = mapped_column(default=7)
    required_share: Mapped[int] = mapped_column(default=DEFAULT_SHARE)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    facilitator: Mapped[Person | None] = relationship()
    sessions: Mapped[list[WorkshopSession]] = relationship(
        back_populates="series",
        order_by="WorkshopSession.starts_at",
        cascade="all, delete-orphan",
    )
    module_links: Mapped[list[WorkshopModule]] = relationship(
        cascade="all, delete-orphan", order_by="WorkshopModule.position"
    )
    participants: Mapped[list[WorkshopParticipant]] = relationship(
        back_populates="series", cascade="all, delete-orphan"
    )

    @property
    def agenda_minutes(self) -> int:
        return sum(step["minutes"] for step in self.agenda)

    @property
    def kept_sessions(self) -> list[WorkshopSession]:
        """The sessions not cancelled: those the series is made of."""
        return [session for session in self.sessions if not session.cancelled]


class WorkshopModule(db.Model):
    """A module linked to a series (to take before or during it)."""

    __tablename__ = "workshop_modules"
    __table_args__ = (sa.UniqueConstraint("series_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_series.id", ondelete="CASCADE"), index=True
    )
    module_id: Mapped[str] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    module: Mapped[LearningModule] = relationship()


class WorkshopSession(db.Model):
    """One meeting of a series. Times are stored in UTC; ``uid`` and ``sequence`` are its iCalendar
    identity (the same event in everyone's calendar, updated in place when it changes)."""

    __tablename__ = "workshop_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_series.id", ondelete="CASCADE"), index=True
    )
    uid: Mapped[str] = mapped_column(
        sa.String(80), unique=True, default=lambda: f"{uuid.uuid4()}@laerevakt"
    )
    sequence: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(sa.String(200))
    """Where this session is, when it differs from the series' place."""
    check_in_token: Mapped[str] = mapped_column(sa.String(40), default=new_token)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    cancelled_at: Mapped[datetime | None]
    """When the facilitator called this session off; it then no longer counts for completion."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    series: Mapped[WorkshopSeries] = relationship(back_populates="sessions")
    agreed_actions: Mapped[list[WorkshopAction]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="WorkshopAction.id"
    )

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def where(self) -> str:
        return self.place or self.series.place


class WorkshopAction(db.Model):
    """An action agreed at a session: what, who sees to it (a participant or the facilitator), by
    when, and whether it is done. Open ones come back at the series' next session."""

    __tablename__ = "workshop_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.String(500))
    owner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None]
    status: Mapped[ActionStatus] = mapped_column(text_enum(ActionStatus), default=ActionStatus.OPEN)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[WorkshopSession] = relationship(back_populates="agreed_actions")
    owner: Mapped[Person | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status is ActionStatus.OPEN


class WorkshopParticipant(db.Model):
    """A person taking part in a series: signed up themselves, invited, or on the waiting list."""

    __tablename__ = "workshop_participants"
    __table_args__ = (sa.UniqueConstraint("series_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_series.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    status: Mapped[ParticipantStatus] = mapped_column(text_enum(ParticipantStatus))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime | None]
    completion_statement_id: Mapped[str | None] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    series: Mapped[WorkshopSeries] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def has_place(self) -> bool:
        return self.status is not ParticipantStatus.WAITING


class WorkshopAttendance(db.Model):
    """A person present at a session; ``statement_id`` is the id of its ``attended`` statement, kept
    so that a mistaken tick can be voided."""

    __tablename__ = "workshop_attendance"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    method: Mapped[CheckInMethod] = mapped_column(text_enum(CheckInMethod))
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    statement_id: Mapped[str] = mapped_column(sa.String(36), default=lambda: str(uuid.uuid4()))
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[WorkshopSession] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class WorkshopEvaluation(db.Model):
    """A participant's three answers after a session. ``person_id`` only stops a second answer; no
    page shows it next to the answers."""

    __tablename__ = "workshop_evaluations"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "person_id"),
        sa.CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workshop_sessions.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    usefulness: Mapped[int]
    takeaway: Mapped[str] = mapped_column(sa.Text, default="")
    improve: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[WorkshopSession] = relationship()
