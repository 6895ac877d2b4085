from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person


class SignInLink(db.Model):
    """A one-time sign-in link sent by e-mail. Only a hash of the secret is stored."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()


class SignInSession(db.Model):
    """A signed-in browser. The cookie holds the row's id and a secret, of which only a hash is
    stored; deleting the row ends the session (``lms.accounts.sessions``)."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    method: Mapped[str] = mapped_column(sa.String(10))
    """How the person proved who they were: ``password``, ``link``, ``sms`` (a code by SMS), ``code`` (a
    printed code) or ``sso``."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    person: Mapped[Person] = relationship()


class SignInCode(db.Model):
    """A one-time sign-in code: sent by SMS (``kind`` ``sms``, six digits, short-lived) or made by a
    manager to print or show once (``printed``, longer, valid for days). Only a keyed hash of the
    code is stored. A code is used once, retired by a newer one of its kind, and an SMS code after
    ``MAX_WRONG_TRIES`` wrong guesses (``lms.accounts.codes``)."""

    __tablename__ = "sign_in_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    code_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    """Who made a printed code (None for an SMS code, which the person asks for)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]
    wrong_tries: Mapped[int] = mapped_column(default=0)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
