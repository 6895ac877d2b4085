"""The month-by-month figures the overview draws its trend from (``lms.reports.overview``)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class MonthFigures(db.Model):
    """How the people of a unit and the units below it stood on one competence in one month: the
    cells of its matrix (person × competence) counted by bucket (``lms.reports.overview.Bucket``),
    as the nightly job last found them that month. Counts only, never who."""

    __tablename__ = "report_month_figures"

    month: Mapped[date] = mapped_column(primary_key=True)
    """The first day of the month."""
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    competence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competences.id", ondelete="CASCADE"), primary_key=True
    )
    met: Mapped[int] = mapped_column(default=0)
    expiring: Mapped[int] = mapped_column(default=0)
    expired: Mapped[int] = mapped_column(default=0)
    missing: Mapped[int] = mapped_column(default=0)
