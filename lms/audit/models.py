"""One row per change or export an admin or manager made. Only ids and structured details are
stored, never names, so erasing a person does not rewrite history: names are looked up when the
log is shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import utcnow
from lms.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index(None, "action", "created_at"),
        sa.Index(None, "actor_id", "created_at"),
        sa.Index(None, "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    """Who did it; None for the scheduler's jobs."""
    action: Mapped[str] = mapped_column(sa.String(60))
    """A code from ``lms.audit.actions.ACTIONS``, e.g. ``person.erase``."""
    subject_type: Mapped[str] = mapped_column(sa.String(40), default="")
    """What kind of thing was changed: ``person``, ``unit``, ``module``, ``assignment``..."""
    subject_id: Mapped[str] = mapped_column(sa.String(100), default="")
    """Its id, as text (module ids are strings)."""
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    """Ids, counts and codes only: never a name, an e-mail address or free text."""
