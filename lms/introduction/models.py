from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.content.models import LearningModule
from lms.db import text_enum, utcnow
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.workshops.models import WorkshopSeries


class ItemKind(enum.StrEnum):
    MODULE = "module"
    WORKSHOP = "workshop"
    SIGN_OFF = "sign_off"
    """A practical item a mentor or manager ticks as "vist og gjennomgått"."""

    @property
    def label(self) -> str:
        return str(ITEM_KIND_LABELS[self])


ITEM_KIND_LABELS = {
    ItemKind.MODULE: _l("Modul"),
    ItemKind.WORKSHOP: _l("Samlingsrekke"),
    ItemKind.SIGN_OFF: _l("Vist og gjennomgått"),
}


class DueRule(enum.StrEnum):
    DAYS = "days"
    """Within ``due_count`` days of the start date."""
    SHIFT = "shift"
    """By the person's ``due_count``-th shift (counted from the start date)."""


class Programme(db.Model):
    """An introduction programme for newcomers to ``unit`` holding ``job_title`` (None: any title)."""

    __tablename__ = "intro_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    """The registration of the programme's statements."""
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    job_title: Mapped[str | None] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    items: Mapped[list[ProgrammeItem]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeItem.position"
    )


class ProgrammeItem(db.Model):
    __tablename__ = "intro_items"
    __table_args__ = (sa.CheckConstraint("due_count >= 1", name="due_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("intro_programmes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ItemKind] = mapped_column(text_enum(ItemKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    """What the newcomer sees: the module's or series' title when it was added, or the practical
    item ("Medisinrommet")."""
    module_id: Mapped[str | None] = mapped_column(sa.ForeignKey("modules.id", ondelete="CASCADE"))
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workshop_series.id", ondelete="CASCADE")
    )
    due_rule: Mapped[DueRule] = mapped_column(text_enum(DueRule))
    due_count: Mapped[int]

    programme: Mapped[Programme] = relationship(back_populates="items")
    module: Mapped[LearningModule | None] = relationship()
    series: Mapped[WorkshopSeries | None] = relationship()


class Enrolment(db.Model):
    """A newcomer's place in a programme, from ``starts_on``, with their mentor."""

    __tablename__ = "intro_enrolments"
    __table_args__ = (sa.UniqueConstraint("person_id", "programme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("intro_programmes.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    mentor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    mentor: Mapped[Person | None] = relationship(foreign_keys=[mentor_id])
    programme: Mapped[Programme] = relationship()
    ticks: Mapped[list[Tick]] = relationship(back_populates="enrolment", cascade="all, delete-orphan")


class Tick(db.Model):
    """An item done: ticked by a completion or attendance (``signed_by`` None), or signed off."""

    __tablename__ = "intro_ticks"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("intro_enrolments.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("intro_items.id", ondelete="CASCADE"))
    done_on: Mapped[date]
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="ticks")
    signed_by: Mapped[Person | None] = relationship()
