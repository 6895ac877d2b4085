"""Frameworks of competences with proficiency scales, append-only evidence, requirements, and the
stored requirement status the matrix reads (refreshed from the pure profile function)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import text_enum, utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, Unit


class Scale(db.Model):
    """A proficiency scale: ordered levels (1, 2, ...), some marked proficient."""

    __tablename__ = "competence_scales"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    levels: Mapped[list[ScaleLevel]] = relationship(
        back_populates="scale", order_by="ScaleLevel.value", cascade="all, delete-orphan"
    )

    def label(self, value: int | None) -> dict[str, str]:
        """The level's names by language (``{}`` for a value the scale does not have)."""
        return next((level.names for level in self.levels if level.value == value), {})


class ScaleLevel(db.Model):
    __tablename__ = "competence_scale_levels"
    __table_args__ = (sa.UniqueConstraint("scale_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(sa.ForeignKey("competence_scales.id", ondelete="CASCADE"))
    value: Mapped[int]
    """The level's place on the scale, from 1."""
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    """The level's name by language, as ``titles`` are (``{"nb": "Grunnleggende", "nn": ...}``):
    Bokmål always, each other language when given."""
    proficient: Mapped[bool] = mapped_column(default=False)

    scale: Mapped[Scale] = relationship(back_populates="levels")


class Framework(db.Model):
    __tablename__ = "competence_frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    idnumber: Mapped[str] = mapped_column(sa.String(100), unique=True)
    shortname: Mapped[str] = mapped_column(sa.String(200))
    titles: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    descriptions: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    scale_id: Mapped[int] = mapped_column(sa.ForeignKey("competence_scales.id", ondelete="RESTRICT"))
    taxonomy: Mapped[str] = mapped_column(sa.String(200), default="")
    evidence_levels: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    """The highest level each kind of evidence can prove in this framework (``module: 1``); a kind
    not named proves up to ``DEFAULT_EVIDENCE_LEVELS`` or, if not there either, any level."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    scale: Mapped[Scale] = relationship()
    competences: Mapped[list[Competence]] = relationship(
        back_populates="framework", order_by="Competence.position", cascade="all, delete-orphan"
    )


class Competence(db.Model):
    """One competence; ``code`` is unique across frameworks, and modules name it in their evidence."""

    __tablename__ = "competences"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competence_frameworks.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("competences.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(100), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    titles: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    descriptions: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    mappings: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    """External URIs this competence corresponds to (DigComp 2.2, ESCO)."""
    evidence_levels: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    """Where this competence says otherwise than its framework's ``evidence_levels``."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    framework: Mapped[Framework] = relationship(back_populates="competences")
    parent: Mapped[Competence | None] = relationship(remote_side=[id])


class EvidenceKind(enum.StrEnum):
    MODULE = "module"
    WORKSHOP = "workshop"
    SELF = "self"
    SIGN_OFF = "sign_off"
    CERTIFICATE = "certificate"
    QUALIFICATION = "qualification"
    """A formal qualification a leader has checked (``lms.planning.qualifications``)."""
    CREDENTIAL = "credential"
    """A verified credential from a trusted issuer, imported by the person (``lms.credentials``)."""

    @property
    def label(self) -> str:
        return str(EVIDENCE_KIND_LABELS[self])


EVIDENCE_KIND_LABELS = {
    EvidenceKind.MODULE: _l("Modul fullført"),
    EvidenceKind.WORKSHOP: _l("Samlingsrekke fullført"),
    EvidenceKind.SELF: _l("Egenvurdering (veiledende)"),
    EvidenceKind.SIGN_OFF: _l("Observert praksis godkjent av leder"),
    EvidenceKind.CERTIFICATE: _l("Eksternt kursbevis"),
    EvidenceKind.QUALIFICATION: _l("Formell kvalifikasjon kontrollert av leder"),
    EvidenceKind.CREDENTIAL: _l("Verifisert mikrobevis fra annen utsteder"),
}


DEFAULT_EVIDENCE_LEVELS = {EvidenceKind.MODULE: 1, EvidenceKind.WORKSHOP: 1}
"""What a framework that says nothing lets each kind prove: a module or a workshop series shows
knowledge (level 1); observed practice, a certificate and a formal qualification are not capped."""

KNOWLEDGE_KINDS = frozenset({EvidenceKind.MODULE, EvidenceKind.WORKSHOP})


def highest_level(
    kind: EvidenceKind, competence_levels: dict[str, int], framework_levels: dict[str, int]
) -> int | None:
    """The highest level ``kind`` can prove for a competence (None: any): the competence's own
    word, else its framework's, else ``DEFAULT_EVIDENCE_LEVELS``."""
    for stated in (competence_levels or {}, framework_levels or {}):
        if kind.value in stated:
            return int(stated[kind.value])
    return DEFAULT_EVIDENCE_LEVELS.get(kind)


class Evidence(db.Model):
    """Something that supports a level of a competence for a person. Append-only: rows are never
    changed or deleted by the application."""

    __tablename__ = "competence_evidence"
    __table_args__ = (
        sa.Index(None, "person_id", "competence_id", "achieved_at"),
        sa.CheckConstraint("level >= 1", name="level_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"))
    competence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competences.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[int]
    kind: Mapped[EvidenceKind] = mapped_column(text_enum(EvidenceKind))
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    """What gave it: ``module:<id>``, ``workshop:<series id>``, a certificate's name and issuer."""
    asserted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    achieved_at: Mapped[datetime]
    valid_until: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    asserted_by: Mapped[Person | None] = relationship(foreign_keys=[asserted_by_id])
    competence: Mapped[Competence] = relationship()


class Requirement(db.Model):
    """Everyone holding a role in ``unit`` or below (only ``role`` / ``job_title`` when set) must
    (``mandatory``) or should have ``competence`` at ``min_level``, renewed every
    ``validity_months`` (never, when None); ``renewal_days`` before it runs out it is due."""

    __tablename__ = "competence_requirements"
    __table_args__ = (sa.CheckConstraint("min_level >= 1", name="min_level_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competences.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role | None] = mapped_column(text_enum(Role))
    job_title: Mapped[str | None] = mapped_column(sa.String(40))
    min_level: Mapped[int]
    mandatory: Mapped[bool] = mapped_column(default=True)
    validity_months: Mapped[int | None]
    renewal_days: Mapped[int] = mapped_column(default=60)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    competence: Mapped[Competence] = relationship()
    unit: Mapped[Unit] = relationship()


class State(enum.IntEnum):
    """A requirement's state for a person, worst last (the matrix shows a cell's worst)."""

    MET = 0
    RENEWAL_DUE = 1
    EXPIRED = 2
    MISSING = 3

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self])


STATE_LABELS = {
    State.MET: _l("Oppfylt"),
    State.RENEWAL_DUE: _l("Utløper snart"),
    State.EXPIRED: _l("Utløpt"),
    State.MISSING: _l("Mangler"),
}


class RequirementStatus(db.Model):
    """A requirement's state for one person it applies to, as the profile function computed it.
    Refreshed when evidence arrives, when requirements change and nightly (expiry, membership)."""

    __tablename__ = "competence_requirement_status"
    __table_args__ = (sa.Index(None, "requirement_id", "state"),)

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    requirement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competence_requirements.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[int] = mapped_column(sa.ForeignKey("competences.id", ondelete="CASCADE"))
    state: Mapped[int]
    level: Mapped[int | None]
    since: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CompetenceCell(db.Model):
    """One person's standing on one competence required of them: the matrix's cell, the worst of
    their requirements on it, kept by ``lms.competence.cells`` wherever its truth changes (status,
    roles, job title, active, units, requirements). A row per person and competence; no dates
    relative to now (expiring within 90 days is worked out when read)."""

    __tablename__ = "competence_cells"
    __table_args__ = {"sqlite_with_rowid": False}

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    competence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competences.id", ondelete="CASCADE"), primary_key=True
    )
    severity: Mapped[int]
    """The worst state (``State``), plus 4 when a mandatory requirement is behind it."""
    level: Mapped[int | None]
    required: Mapped[int]
    since: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]


class AppendOnly(RuntimeError):
    """Evidence is never changed or deleted once recorded."""


@sa.event.listens_for(Evidence, "before_update")
@sa.event.listens_for(Evidence, "before_delete")
def _refuse_changes(_mapper, _connection, target: Evidence) -> None:
    raise AppendOnly(f"evidence {target.id} is append-only")
