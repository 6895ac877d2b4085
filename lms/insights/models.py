"""Learners' anonymous ratings of a module version.

A rating holds no link to a person or an attempt: its key is random (so its order says nothing about
when it was given), its time is only the month, and the municipality is only the top unit. That a
person has rated an attempt is a flag on the attempt (``Attempt.rated``), which says nothing about
what they answered.
"""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db

COMMENT_MAX_CHARACTERS = 1000


class ModuleRating(db.Model):
    __tablename__ = "module_ratings"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("module_versions.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id", ondelete="SET NULL"))
    """The top unit of the rater's units, so a municipality sees only its own ratings."""
    thumbs_up: Mapped[bool]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    """Plain text, cleaned of any markup."""
    rated_month: Mapped[date] = mapped_column(sa.Date)
    """The first day of the month it was given: no finer, so it cannot be matched to an attempt."""
