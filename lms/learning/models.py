from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import ModuleVersion
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person


class Attempt(db.Model):
    """One person's run through one version of a module. It stays on the version it started."""

    __tablename__ = "attempts"
    __table_args__ = (sa.Index(None, "person_id", "module_id", "completed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    """The xAPI registration of every statement about this attempt."""
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("module_versions.id", ondelete="RESTRICT"), index=True
    )
    """Indexed for the card statistics of a version (``lms.insights``)."""
    position: Mapped[int] = mapped_column(default=0)
    """Index of the card the person is on."""
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    score: Mapped[float | None]
    """Share of the scored cards answered right, 0..1; None while open or when nothing is scored."""
    passed: Mapped[bool | None]
    outcome: Mapped[str | None] = mapped_column(sa.String(12))
    """How the attempt ended (``lms.learning.standing.Verdict``); None while open."""
    rated: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    """Whether the person has rated the module after this attempt; the rating itself
    (``lms.insights.models.ModuleRating``) names no one, so this flag is all that stops a second."""

    person: Mapped[Person] = relationship()
    version: Mapped[ModuleVersion] = relationship(lazy="joined", innerjoin=True)
    """Loaded with the attempt: every use of an attempt (the player, results) needs its version."""
    answers: Mapped[list[Answer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="Answer.id"
    )

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


class Answer(db.Model):
    """A response to one card. ``client_id`` is made where the answer was given (the phone, when
    offline), so a response sent twice is recognised and stored once."""

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "card_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempts.id", ondelete="CASCADE"))
    card_id: Mapped[str] = mapped_column(sa.String(64))
    client_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    response: Mapped[Any] = mapped_column(sa.JSON)
    score: Mapped[float | None]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
