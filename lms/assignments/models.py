from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import LearningModule
from lms.db import text_enum, utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, Unit


class Assignment(db.Model):
    """A module that people must take by ``due_on``: everyone holding a role in ``unit`` or a unit
    below it (only those holding ``role``, when set), or just ``person``."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.CheckConstraint("(unit_id IS NULL) <> (person_id IS NULL)", name="one_target"),
        sa.CheckConstraint("recur_months IS NULL OR recur_months >= 1", name="recur_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role | None] = mapped_column(text_enum(Role))
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date]
    recur_months: Mapped[int | None]
    """Due again this many months after each completion; None: once."""
    requirement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("competence_requirements.id", ondelete="CASCADE"), index=True
    )
    """The competence requirement that made it (it goes when the requirement is removed)."""
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[LearningModule] = relationship()
    unit: Mapped[Unit | None] = relationship()
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
