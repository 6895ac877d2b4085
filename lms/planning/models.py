"""The yearly competence plan (needs, measures, evaluation), the needs survey (respondents kept
apart from their answers, so no answer can be traced to a person), and formal qualifications."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.competence.models import Competence
from lms.content.localised import pick
from lms.db import text_enum, utcnow
from lms.extensions import db
from lms.organisation.models import Person, Unit


class NeedSource(enum.StrEnum):
    GAP = "gap"
    SURVEY = "survey"
    OWN = "own"

    @property
    def label(self) -> str:
        return str(NEED_SOURCE_LABELS[self])


NEED_SOURCE_LABELS = {
    NeedSource.GAP: _l("Gapanalyse"),
    NeedSource.SURVEY: _l("Kartlegging"),
    NeedSource.OWN: _l("Lederens vurdering"),
}


class MeasureKind(enum.StrEnum):
    MODULE = "module"
    WORKSHOP = "workshop"
    COURSE = "course"
    SIGN_OFF = "sign_off"
    RECRUITMENT = "recruitment"

    @property
    def label(self) -> str:
        return str(MEASURE_KIND_LABELS[self])


MEASURE_KIND_LABELS = {
    MeasureKind.MODULE: _l("Modul"),
    MeasureKind.WORKSHOP: _l("Samlingsrekke"),
    MeasureKind.COURSE: _l("Eksternt kurs"),
    MeasureKind.SIGN_OFF: _l("Godkjenning av praksis"),
    MeasureKind.RECRUITMENT: _l("Rekruttering"),
}


class MeasureStatus(enum.StrEnum):
    PLANNED = "planned"
    ONGOING = "ongoing"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(MEASURE_STATUS_LABELS[self])


MEASURE_STATUS_LABELS = {
    MeasureStatus.PLANNED: _l("Planlagt"),
    MeasureStatus.ONGOING: _l("Pågår"),
    MeasureStatus.DONE: _l("Fullført"),
    MeasureStatus.CANCELLED: _l("Avlyst"),
}


class Plan(db.Model):
    """A unit's competence plan for one year."""

    __tablename__ = "competence_plans"
    __table_args__ = (sa.UniqueConstraint("unit_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    evaluation: Mapped[str] = mapped_column(sa.Text, default="")
    """The year-end evaluation, in the manager's words (plain text)."""
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    needs: Mapped[list[PlanNeed]] = relationship(
        back_populates="plan", order_by="PlanNeed.id", cascade="all, delete-orphan"
    )
    measures: Mapped[list[Measure]] = relationship(
        back_populates="plan", order_by="(Measure.due_on, Measure.id)", cascade="all, delete-orphan"
    )


class PlanNeed(db.Model):
    """A need the plan answers: a gap against the requirements (with its counts when filled in), a
    finding of the needs survey, or the manager's own words."""

    __tablename__ = "competence_plan_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competence_plans.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[NeedSource] = mapped_column(text_enum(NeedSource))
    competence_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("competences.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(sa.String(1000))
    missing: Mapped[int] = mapped_column(default=0)
    expired: Mapped[int] = mapped_column(default=0)
    expiring: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="needs")
    competence: Mapped[Competence | None] = relationship()

    def title(self, locale: str) -> str:
        """The need as a reader of ``locale`` reads it: a gap's competence in that language (its
        ``text`` is the Bokmål title, written when the gap was filled in), else ``text``."""
        if self.source is NeedSource.GAP and self.competence is not None:
            return pick(self.competence.titles, locale)
        return self.text


class Measure(db.Model):
    """What the unit does about a need: who owns it, by when, and how far it has come."""

    __tablename__ = "competence_plan_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competence_plans.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MeasureKind] = mapped_column(text_enum(MeasureKind))
    title: Mapped[str] = mapped_column(sa.String(300))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    due_on: Mapped[date]
    status: Mapped[MeasureStatus] = mapped_column(
        text_enum(MeasureStatus), default=MeasureStatus.PLANNED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="measures")
    owner: Mapped[Person | None] = relationship()


class Survey(db.Model):
    """A short needs survey sent to a unit (and the units below it): the systems in daily use."""

    __tablename__ = "needs_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    systems: Mapped[list[str]] = mapped_column(sa.JSON)
    closes_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class SurveyRespondent(db.Model):
    """That a person has answered (so they answer once); which answer is theirs is not kept."""

    __tablename__ = "needs_survey_respondents"

    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("needs_surveys.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )


class SurveyAnswer(db.Model):
    """One anonymous answer: confidence per system (1-4, absent: not used) and ways to learn."""

    __tablename__ = "needs_survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("needs_surveys.id", ondelete="CASCADE"), index=True
    )
    confidence: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    preferences: Mapped[list[str]] = mapped_column(sa.JSON)


class QualificationKind(enum.StrEnum):
    AUTHORISATION = "authorisation"
    TRADE_CERTIFICATE = "trade_cert"
    FURTHER_EDUCATION = "further_edu"

    @property
    def label(self) -> str:
        return str(QUALIFICATION_KIND_LABELS[self])

    @property
    def competence_code(self) -> str:
        """The competence in the framework «Formelle kvalifikasjoner» that a requirement names."""
        return QUALIFICATION_COMPETENCES[self]


QUALIFICATION_KIND_LABELS = {
    QualificationKind.AUTHORISATION: _l("Autorisasjon som helsepersonell"),
    QualificationKind.TRADE_CERTIFICATE: _l("Fagbrev"),
    QualificationKind.FURTHER_EDUCATION: _l("Videreutdanning"),
}

QUALIFICATION_COMPETENCES = {
    QualificationKind.AUTHORISATION: "FK-AUT",
    QualificationKind.TRADE_CERTIFICATE: "FK-FAG",
    QualificationKind.FURTHER_EDUCATION: "FK-VID",
}


class Qualification(db.Model):
    """A formal qualification a leader has checked: the HPR number for an authorisation, the trade
    or the programme for the others, and when a leader last checked it."""

    __tablename__ = "formal_qualifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[QualificationKind] = mapped_column(text_enum(QualificationKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    hpr_number: Mapped[str | None] = mapped_column(sa.String(9))
    achieved_on: Mapped[date | None]
    checked_on: Mapped[date]
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    checked_by: Mapped[Person | None] = relationship(foreign_keys=[checked_by_id])
