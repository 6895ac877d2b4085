"""Passwords and one-time sign-in links (sessions: ``lms.accounts.sessions``). Functions flush; the
caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from lms.accounts.models import SignInLink
from lms.core.time import local_today
from lms.core.transactions import read_first
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str | None) -> str | None:
    email = (email or "").strip().lower()
    return email or None


def find_person_by_email(email: str) -> Person | None:
    address = normalise_email(email)
    if address is None:
        return None
    return db.session.scalar(sa.select(Person).filter_by(email=address))


def set_password(person: Person, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    person.password_hash = _hasher.hash(password)
    db.session.flush()


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this e-mail and password, or None. Takes as long either way.

    Hashing is slow on purpose, so it happens in a read transaction that ends before anything is
    written (``read_first``): concurrent sign-ins on SQLite do not queue for the write lock behind
    each other's hashing. Then, in a transaction that may write, a hash made with parameters since
    changed is replaced."""
    with read_first():
        person = find_person_by_email(email)
        stored = person.password_hash if person and person.password_hash else _DUMMY_HASH
        if not _verified(stored, password):
            return None
        if person is None or not person.password_hash or not person.may_sign_in(local_today()):
            return None
        rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(stored) else None
    if rehashed is not None:
        person.password_hash = rehashed
    return person


def _verified(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_sign_in_link(person: Person, valid_for: timedelta, now: datetime | None = None) -> str:
    """Store a new one-time link for ``person`` and return its secret (shown once, in the mail).
    The person's older links that could still be used expire now: only the newest one works."""
    now = now or utcnow()
    db.session.execute(
        sa.update(SignInLink)
        .where(
            SignInLink.person_id == person.id,
            SignInLink.used_at.is_(None),
            SignInLink.expires_at > now,
        )
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(SignInLink(person=person, token_hash=_digest(token), expires_at=now + valid_for))
    db.session.flush()
    return token


def find_usable_link(token: str, now: datetime | None = None) -> SignInLink | None:
    now = now or utcnow()
    link = db.session.scalar(sa.select(SignInLink).filter_by(token_hash=_digest(token)))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    if not link.person.may_sign_in(local_today(now)):
        return None
    return link


def redeem_sign_in_link(token: str, now: datetime | None = None) -> Person | None:
    """Use up the link and return its person, or None if it is unknown, used or expired."""
    now = now or utcnow()
    link = find_usable_link(token, now)
    if link is None:
        return None
    link.used_at = now
    db.session.flush()
    return link.person


def prune_sign_in_links(now: datetime | None = None) -> int:
    """Delete links that expired more than ``LMS_RETENTION_SIGN_IN_LINK_DAYS`` ago; returns how many."""
    keep = timedelta(days=current_app.config["RETENTION_SIGN_IN_LINK_DAYS"])
    cutoff = (now or utcnow()) - keep
    result = db.session.execute(sa.delete(SignInLink).where(SignInLink.expires_at < cutoff))
    return result.rowcount or 0
