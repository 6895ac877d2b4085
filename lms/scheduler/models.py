"""The scheduler's lease row (``lms.scheduler.leader``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class SchedulerLease(db.Model):
    """The lease that elects the one scheduler process (used where PostgreSQL's advisory locks are
    not available, e.g. SQLite)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(100))
    expires_at: Mapped[datetime]
