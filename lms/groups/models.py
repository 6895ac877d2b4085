from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import ModuleVersion
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Person, Unit


class GroupRun(db.Model):
    """A module taken together: the facilitator paces the cards on a shared screen."""

    __tablename__ = "group_runs"
    __table_args__ = (sa.Index(None, "facilitator_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    """The xAPI registration of every statement made in the run."""
    module_id: Mapped[str] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("module_versions.id", ondelete="RESTRICT"))
    """Every participant's attempt is on this version, the one current when the run started."""
    facilitator_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="SET NULL"), index=True
    )
    """The unit the run is for; None for an ad-hoc group."""
    code: Mapped[str] = mapped_column(sa.String(8), index=True)
    """The join code: unique among the runs whose code is still valid."""
    code_expires_at: Mapped[datetime]
    position: Mapped[int] = mapped_column(default=0)
    """Index of the card on the shared screen."""
    revision: Mapped[int] = mapped_column(default=0)
    """Raised on every change the phones must follow (card moved, run closed)."""
    shown: Mapped[list[int] | None] = mapped_column(sa.JSON, default=lambda: [0])
    """Indices of the cards the screen has shown: what a participant's presence is measured by."""
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    version: Mapped[ModuleVersion] = relationship()
    facilitator: Mapped[Person] = relationship()
    unit: Mapped[Unit | None] = relationship()
    participants: Mapped[list[GroupParticipant]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="GroupParticipant.id"
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class LeftHow:
    """How a participant came to leave (``GroupParticipant.left_how``)."""

    SELF = "self"
    """They pressed "Forlat økten"."""
    FACILITATOR = "facilitator"
    """The facilitator took them off the list."""
    GONE = "gone"
    """Their phone had not been heard from for a while when the run closed."""


class GroupParticipant(db.Model):
    """A person in a run, with their own attempt at the module. Present while ``left_at`` is None."""

    __tablename__ = "group_participants"
    __table_args__ = (sa.UniqueConstraint("run_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("group_runs.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attempts.id", ondelete="CASCADE"), unique=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    ticked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    """The facilitator who ticked the person in (someone present without a phone); None if they
    joined with their own phone."""
    last_seen_at: Mapped[datetime | None]
    """When their phone last asked for the run's state (updated at most every half minute)."""
    left_at: Mapped[datetime | None]
    left_how: Mapped[str | None] = mapped_column(sa.String(12))

    run: Mapped[GroupRun] = relationship(back_populates="participants", lazy="joined")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    attempt: Mapped[Attempt] = relationship()

    @property
    def present(self) -> bool:
        return self.left_at is None

    @property
    def with_phone(self) -> bool:
        return self.last_seen_at is not None


class GroupPresence(db.Model):
    """A card the run showed while the participant was present: what ``lms.groups.judging`` judges
    them on. Written when they join (the card on the screen) and when the facilitator moves on."""

    __tablename__ = "group_presence"

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("group_participants.id", ondelete="CASCADE"), primary_key=True
    )
    card_index: Mapped[int] = mapped_column(primary_key=True)
