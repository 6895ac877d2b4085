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
    """How the person proved who they were: ``password``, ``link`` or ``sso``."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    person: Mapped[Person] = relationship()
