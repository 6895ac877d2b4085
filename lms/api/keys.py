"""Making, checking and revoking API keys. Functions flush; the caller commits."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from lms.api.models import ApiKey
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from xapi.secret_hashing import hash_secret, is_current, new_secret, secret_matches

ADMIN_SCOPE = "roles:admin"
"""The scope that lets a key with ``people:write`` make admins: off unless chosen for the key."""

SCOPES = {
    "units:read": "Read units",
    "units:write": "Create and update units (HR sync)",
    "people:read": "Read people and their roles",
    "people:write": "Create and update people and their roles (HR sync)",
    "shifts:read": "Read people's shifts",
    "shifts:write": "Replace people's shifts (rostering)",
    "assignments:read": "Read assignments",
    "assignments:write": "Create assignments",
    "reports:read": "Read completion and competence status",
    ADMIN_SCOPE: "With people:write, grant or take away the admin role and change an admin's "
    "e-mail, phone or active flag",
}
"""Every scope a key may hold, with what it allows."""

KEY_START = "lv_"
LAST_USED_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per key, so reads stay (mostly) reads."""


def create_key(
    name: str, scopes: Iterable[str], *, by: Person | None = None, now: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key; returns it and the full key text to give the client (shown once, never stored)."""
    name = name.strip()
    scopes = sorted(set(scopes))
    if not name or len(name) > 100:
        raise ValueError("a key needs a name of 1 to 100 characters")
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}" if unknown else "a key needs a scope")
    prefix = secrets.token_hex(4)
    secret = new_secret()
    key = ApiKey(
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        scopes=scopes,
        created_by_id=by and by.id,
        created_at=now or utcnow(),
    )
    db.session.add(key)
    db.session.flush()
    return key, f"{KEY_START}{prefix}_{secret}"


def list_keys() -> list[ApiKey]:
    """Every key, active ones first, newest first."""
    query = sa.select(ApiKey).order_by(
        ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc()
    )
    return list(db.session.scalars(query))


def revoke(key_id: int, now: datetime | None = None) -> ApiKey | None:
    """Revoke the key; None when there is no such active key."""
    key = db.session.get(ApiKey, key_id)
    if key is None or key.revoked_at is not None:
        return None
    key.revoked_at = now or utcnow()
    db.session.flush()
    return key


def find_active(text: str, now: datetime | None = None) -> ApiKey | None:
    """The active key ``text`` (``lv_<prefix>_<secret>``) names, if its secret is right; notes that
    it was used."""
    prefix, _, secret = text.removeprefix(KEY_START).partition("_")
    if not text.startswith(KEY_START) or not prefix or not secret:
        return None
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or not key.active or not secret_matches(secret, _scheme_named(key.secret_hash)):
        return None
    if not is_current(key.secret_hash):
        key.secret_hash = hash_secret(secret)
    now = now or utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        key.last_used_at = now
        db.session.flush()
    return key


def _scheme_named(stored_hash: str) -> str:
    """Keys made before the hash named its scheme kept the bare SHA-256 hex digest."""
    return stored_hash if "$" in stored_hash else f"sha256${stored_hash}"
