"""Passwords, one-time sign-in links and sessions. Functions flush; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_login import login_user

from lms import signals
from lms.accounts.models import SignInLink
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD_LENGTH = 10


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


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
    """The active person with this e-mail and password, or None. Takes as long either way."""
    person = find_person_by_email(email)
    stored = person.password_hash if person and person.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if person is None or not person.password_hash or not person.active:
        return None
    if _hasher.check_needs_rehash(stored):
        person.password_hash = _hasher.hash(password)
    return person


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_sign_in_link(person: Person, valid_for: timedelta, now: datetime | None = None) -> str:
    """Store a new one-time link for ``person`` and return its secret (shown once, in the mail)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(SignInLink(person=person, token_hash=_digest(token), expires_at=now + valid_for))
    db.session.flush()
    return token


def find_usable_link(token: str, now: datetime | None = None) -> SignInLink | None:
    now = now or utcnow()
    link = db.session.scalar(sa.select(SignInLink).filter_by(token_hash=_digest(token)))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    if not link.person.active:
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


def start_session(person: Person, method: str) -> None:
    """Sign ``person`` in on this browser, however they proved who they are (``method``: ``"password"``,
    ``"link"`` or ``"sso"``). Every way of signing in ends here, so the cookie holds the same session
    token and ``sign_out_everywhere`` ends them all alike."""
    login_user(person)
    signals.person_signed_in.send(current_app._get_current_object(), person=person, method=method)


def sign_out_everywhere(person: Person) -> None:
    """End every session of ``person`` on every device: their old cookies no longer match."""
    person.session_token = new_session_token()
    db.session.flush()


def prune_sign_in_links(now: datetime | None = None) -> int:
    """Delete links that expired more than ``LMS_RETENTION_SIGN_IN_LINK_DAYS`` ago; returns how many."""
    keep = timedelta(days=current_app.config["RETENTION_SIGN_IN_LINK_DAYS"])
    cutoff = (now or utcnow()) - keep
    result = db.session.execute(sa.delete(SignInLink).where(SignInLink.expires_at < cutoff))
    return result.rowcount or 0


def signed_in_person(cookie_id: str) -> tuple[Person, list[tuple[Role, int]]] | None:
    """The person of a session, ``<id>:<session token>`` (both must match an active person), with the
    (role, unit id) pairs they hold, read in the same query."""
    person_id, _, token = cookie_id.partition(":")
    if not person_id.isdigit() or not token:
        return None
    rows = db.session.execute(
        sa.select(Person, RoleAssignment.role, RoleAssignment.unit_id)
        .outerjoin(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(Person.id == int(person_id))
    ).all()
    person = rows[0].Person if rows else None
    if person is None or not person.active:
        return None
    if not secrets.compare_digest(person.session_token, token):
        return None
    return person, [(row.role, row.unit_id) for row in rows if row.role is not None]
