"""A practice task's follow-up: made when a person commits to a practice card, answered once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.learning.models import Answer


class PracticeFollowUp(db.Model):
    """ "Hvordan gikk det?" for one commitment (the practice card's answer "Ja, jeg prøver").

    The reminder planner asks it on a later shift; the person answers with one of ``CHOICES`` and
    an optional note. The note is private: shown to nobody else and never sent to the LRS. Rows
    are kept while the person is, and deleted with them (as reflections are)."""

    __tablename__ = "practice_follow_ups"
    __table_args__ = (
        sa.Index(None, "person_id", "answered_at"),
        sa.Index(None, "module_id", "card_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), unique=True)
    """The commitment: one follow-up per committed answer, however often the signal fires."""
    module_id: Mapped[str] = mapped_column(sa.String(64))
    card_id: Mapped[str] = mapped_column(sa.String(64))
    committed_at: Mapped[datetime]
    choice: Mapped[str | None] = mapped_column(sa.String(20))
    """One of ``lms.practice.services.CHOICES``; None until answered."""
    note: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None]
    statement_id: Mapped[str | None] = mapped_column(sa.String(36))
    """The id of the answer's xAPI statement, made when the answer is given."""

    commitment: Mapped[Answer] = relationship()

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
