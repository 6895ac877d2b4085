"""Issuer keys, the credentials issued, the status list allocator and imported credentials."""

from __future__ import annotations

import enum
import secrets
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import text_enum, utcnow
from lms.extensions import db
from lms.organisation.models import Person, Unit


class IssuerKey(db.Model):
    """An Ed25519 key a municipality (a top unit) signs with. Rotating retires the current key and
    makes a new one; retired keys stay in the DID document so that what they signed still verifies.
    The private key is stored encrypted (``lms.credentials.keys``) and never leaves the platform."""

    __tablename__ = "credential_issuer_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), index=True)
    kid: Mapped[str] = mapped_column(sa.String(40), unique=True)
    public_key: Mapped[str] = mapped_column(sa.String(64))
    """The raw public key, base64url (the ``x`` of its JWK)."""
    private_key_encrypted: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()


class CredentialKind(enum.StrEnum):
    COMPETENCE = "competence"
    WORKSHOP = "workshop"
    MODULE = "module"


class Credential(db.Model):
    """A credential issued to a person; ``token`` is the signed VC-JWT, exactly as issued."""

    __tablename__ = "credentials"
    __table_args__ = (sa.UniqueConstraint("unit_id", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"))
    """The issuing municipality (a top unit)."""
    issuer_key_id: Mapped[int] = mapped_column(
        sa.ForeignKey("credential_issuer_keys.id", ondelete="RESTRICT")
    )
    kind: Mapped[CredentialKind] = mapped_column(text_enum(CredentialKind))
    source: Mapped[str] = mapped_column(sa.String(100))
    """What it proves: ``competence:<code>``, ``workshop:<series id>`` or
    ``module:<module id>:<version id>``."""
    title: Mapped[str] = mapped_column(sa.String(300))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    status_index: Mapped[int]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    token: Mapped[str] = mapped_column(sa.Text)
    share_token: Mapped[str] = mapped_column(
        sa.String(43), unique=True, default=lambda: secrets.token_urlsafe(24)
    )
    shared: Mapped[bool] = mapped_column(default=True)
    """Whether the share link (and the QR code on the PDF) shows the credential to anyone."""

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    unit: Mapped[Unit] = relationship()
    issuer_key: Mapped[IssuerKey] = relationship()


class StatusListCounter(db.Model):
    """The next free index in a municipality's status list: one row per issuing unit, raised by one
    in an UPDATE so that two issuers at once never get the same index."""

    __tablename__ = "credential_status_counters"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    next_index: Mapped[int] = mapped_column(default=0)


class LearnerNaming(enum.StrEnum):
    NAME = "name"
    EMAIL_HASH = "email_hash"


class CredentialPreference(db.Model):
    """How a person wants to be named in their credentials (default: by name)."""

    __tablename__ = "credential_preferences"

    person_id: Mapped[int] = mapped_column(
        sa.ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    naming: Mapped[LearnerNaming] = mapped_column(text_enum(LearnerNaming), default=LearnerNaming.NAME)


class ImportedCredential(db.Model):
    """A credential another issuer gave the person, verified on upload and kept as they sent it."""

    __tablename__ = "credential_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(300))
    issuer_name: Mapped[str] = mapped_column(sa.String(300), default="")
    credential_id: Mapped[str] = mapped_column(sa.String(300))
    title: Mapped[str] = mapped_column(sa.String(300))
    evidence_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("competence_evidence.id", ondelete="SET NULL")
    )
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    token: Mapped[str] = mapped_column(sa.Text)

    person: Mapped[Person] = relationship()


class CredentialModule(db.Model):
    """A module that earns a credential when passed by anyone holding a role in ``unit`` or a unit
    below it; set by a manager or admin of the unit."""

    __tablename__ = "credential_modules"

    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[str] = mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True
    )
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
