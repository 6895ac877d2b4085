from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person


class SsoIdentity(db.Model):
    """A person's account at an OpenID provider: (issuer, stable claim) names one person, once.

    Deleted with the person (ON DELETE CASCADE). Holds no name or e-mail of its own: the subject is
    the provider's opaque identifier (or whichever stable claim the installation matches by).
    """

    __tablename__ = "sso_identities"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    """The value of the stable claim (``LMS_OIDC_SUBJECT_CLAIM``: ``sub``, or ``oid`` for Entra ID)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<SsoIdentity {self.id} person={self.person_id}>"
