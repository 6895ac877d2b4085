"""The keys clients of the built-in LRS authenticate with (HTTP Basic: key as user, secret as
password).

A key is public (it names the credential in lists and logs); its secret is random, shown once when
made, and kept only as a hash (``xapi.secret_hashing``, as the platform's API keys are; an older
key's scrypt hash is replaced at its first use). Revoking takes effect at once: the row is read on
every check.

A key holds scopes, those of xAPI 1.0.3's OAuth scopes (section 6.4.2 of its communication part):
what it may read and write. A key made without saying gets the specification's default,
``statements/write statements/read/mine``.

A key also remembers the xAPI version its client last spoke (``last_version``), so a request of that
client that names no version can be answered in the client's own version.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from xapi.db import UTCDateTime, metadata, utcnow
from xapi.secret_hashing import hash_secret, is_current, new_secret, secret_matches

LAST_USED_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per key, so reads stay reads."""

ALL = "all"
SCOPES = (
    "statements/write",
    "statements/read/mine",
    "statements/read",
    "state",
    "profile",
    "define",
    "all/read",
    ALL,
)
"""Every scope a key may hold, as xAPI names them: ``statements/write`` write any statement;
``statements/read/mine`` read the statements this key stored; ``statements/read`` read any
statement; ``state`` read and write State documents; ``profile`` read and write Activity and
Agent Profile documents; ``define`` (re)define activities (without it, statements are stored but
the Activities resource keeps what it knew); ``all/read`` read everything; ``all`` everything,
including voiding statements that other keys stored."""
DEFAULT_SCOPES = ("statements/write", "statements/read/mine")

credentials = sa.Table(
    "xapi_lrs_credential",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("key", sa.String(40), nullable=False, unique=True),
    sa.Column("secret_hash", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_used_at", UTCDateTime),
    sa.Column("revoked_at", UTCDateTime),
    sa.Column("last_version", sa.String(10)),
    sa.Column("scopes", sa.String(200), nullable=False, server_default=ALL),
)
_c = credentials.c
_COLUMNS = (
    _c.name,
    _c.key,
    _c.created_at,
    _c.last_used_at,
    _c.revoked_at,
    _c.last_version,
    _c.scopes,
)
"""The columns of a ``Credential``, in its order."""


@dataclass(frozen=True)
class Credential:
    name: str
    key: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    last_version: str | None = None
    scopes: tuple[str, ...] = (ALL,)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def create_key(
    session: Session,
    name: str,
    scopes: Iterable[str] = DEFAULT_SCOPES,
    now: datetime | None = None,
) -> tuple[str, str]:
    """A new key for ``name`` holding ``scopes``; returns ``(key, secret)``. The secret is not
    kept: show it now. Raises ValueError for a bad name or unknown or no scopes."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("a key needs a name of 1 to 100 characters")
    scopes = set(scopes)
    unknown = sorted(scopes - set(SCOPES))
    if unknown or not scopes:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}" if unknown else "a key needs a scope")
    key = secrets.token_hex(12)
    secret = new_secret()
    session.execute(
        credentials.insert().values(
            name=name,
            key=key,
            secret_hash=hash_secret(secret),
            created_at=now or utcnow(),
            scopes=" ".join(scope for scope in SCOPES if scope in scopes),
        )
    )
    return key, secret


def _credential(row: sa.Row) -> Credential:
    *fields, scopes = row
    return Credential(*fields, scopes=tuple(scopes.split()))


def list_keys(session: Session) -> list[Credential]:
    """Every key, active ones first, newest first."""
    c = credentials.c
    query = sa.select(*_COLUMNS).order_by(c.revoked_at.is_not(None), c.created_at.desc(), c.id.desc())
    return [_credential(row) for row in session.execute(query)]


def revoke(session: Session, key: str, now: datetime | None = None) -> bool:
    """Revoke ``key``; False when there is no such active key."""
    result = session.execute(
        credentials.update()
        .where(credentials.c.key == key, credentials.c.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )
    return bool(result.rowcount)


def check(
    session: Session,
    key: str,
    secret: str,
    now: datetime | None = None,
    *,
    version: str | None = None,
) -> Credential | None:
    """The active credential ``key`` when ``secret`` is its secret, else None. ``version``: the xAPI
    version the client speaks in this request ("1.0.3", "2.0.0"), kept as its ``last_version`` (written
    only when it changes)."""
    if not key or not secret or len(key) > 40 or len(secret) > 200:
        return None
    c = credentials.c
    row = session.execute(sa.select(c.id, c.secret_hash, *_COLUMNS).where(c.key == key)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not secret_matches(secret, row.secret_hash):
        return None
    now = now or utcnow()
    changes: dict = {}
    if not is_current(row.secret_hash):
        changes["secret_hash"] = hash_secret(secret)
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        changes["last_used_at"] = now
    if version is not None and version != row.last_version:
        changes["last_version"] = version
    if changes:
        session.execute(credentials.update().where(c.id == row.id).values(**changes))
    return Credential(
        row.name,
        row.key,
        row.created_at,
        now,
        None,
        version or row.last_version,
        tuple(row.scopes.split()),
    )
