"""The wallet and revocation: a person's credentials, their share link, an admin's revocation.
Functions flush; the caller commits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from lms import signals
from lms.audit import services as audit
from lms.credentials.models import Credential, ImportedCredential
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person

REASON_MAX = 500


class RevocationError(ValueError):
    pass


def credentials_of(person_id: int) -> list[Credential]:
    query = sa.select(Credential).where(Credential.person_id == person_id)
    return list(db.session.scalars(query.order_by(Credential.issued_at.desc(), Credential.id.desc())))


def imports_of(person_id: int) -> list[ImportedCredential]:
    query = sa.select(ImportedCredential).where(ImportedCredential.person_id == person_id)
    return list(db.session.scalars(query.order_by(ImportedCredential.imported_at.desc())))


def shared(share_token: str) -> Credential | None:
    """The credential a share link names, while its owner shares it."""
    found = db.session.scalar(sa.select(Credential).where(Credential.share_token == share_token))
    return found if found is not None and found.shared else None


def set_shared(credential: Credential, on: bool) -> None:
    credential.shared = on
    db.session.flush()


def revoke(credential: Credential, reason: str, actor: Person) -> None:
    """Set the credential's status bit (the published list shows it at once), audited."""
    reason = (reason or "").strip()[:REASON_MAX]
    if not reason:
        raise RevocationError("reason")
    if credential.revoked_at is not None:
        return
    credential.revoked_at = utcnow()
    credential.revoked_reason = reason
    credential.revoked_by_id = actor.id
    audit.record(
        actor,
        "credential.revoke",
        "person",
        credential.person_id,
        {"credential": credential.uuid, "status_index": credential.status_index},
    )
    db.session.flush()
    signals.credential_revoked.send(
        current_app._get_current_object(), credential=credential, actor=actor
    )
