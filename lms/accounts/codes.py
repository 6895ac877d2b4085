"""One-time sign-in codes for people without e-mail: six digits by SMS, or a longer code a manager
prints or shows once. Functions flush; the caller commits.

Only a keyed hash (HMAC-SHA256 with the app's secret key) of a code is stored, so a copy of the
database does not give the codes away, not even the six-digit ones. A code works once, until it
expires, and only while it is its person's newest of its kind: a new code retires the older. An SMS
code is also retired after ``MAX_WRONG_TRIES`` wrong guesses. Rate limits per number and per client
address are the views' (``lms.accounts.throttle``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from lms.accounts.models import SignInCode
from lms.core.time import local_today
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person

SMS = "sms"
PRINTED = "printed"
SMS_VALID_FOR = timedelta(minutes=10)
PRINTED_VALID_FOR = timedelta(days=7)
MAX_WRONG_TRIES = 5
SMS_DIGITS = 6
PRINTED_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: a printed code is read by eye and typed by hand."""
PRINTED_LENGTH = 12
"""32**12 = 2**60 codes: guessing one among all that are valid is hopeless within the rate limits."""


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _retire_older(person: Person, kind: str, now: datetime) -> None:
    db.session.execute(
        sa.update(SignInCode)
        .where(
            SignInCode.person_id == person.id,
            SignInCode.kind == kind,
            SignInCode.used_at.is_(None),
            SignInCode.expires_at > now,
        )
        .values(expires_at=now)
    )


def _issue(person: Person, kind: str, code: str, valid_for: timedelta, by: Person | None, now):
    _retire_older(person, kind, now)
    row = SignInCode(
        person=person,
        kind=kind,
        code_hash=_digest(code),
        created_by_id=by.id if by is not None else None,
        created_at=now,
        expires_at=now + valid_for,
    )
    db.session.add(row)
    db.session.flush()
    return row


def issue_sms_code(person: Person, now: datetime | None = None) -> str:
    """A new six-digit code for ``person`` (to send by SMS); their older SMS code stops working."""
    code = f"{secrets.randbelow(10**SMS_DIGITS):0{SMS_DIGITS}d}"
    _issue(person, SMS, code, SMS_VALID_FOR, None, now or utcnow())
    return code


def issue_printed_code(person: Person, by: Person, now: datetime | None = None) -> SignInCode:
    """A new printed code for ``person``, made by ``by``; their older printed code stops working.
    The code's text is on the returned row as ``code`` (never stored: shown once)."""
    code = "".join(secrets.choice(PRINTED_ALPHABET) for _ in range(PRINTED_LENGTH))
    row = _issue(person, PRINTED, code, PRINTED_VALID_FOR, by, now or utcnow())
    row.code = "-".join(code[i : i + 4] for i in range(0, PRINTED_LENGTH, 4))
    return row


def person_with_phone(phone: str, now: datetime | None = None) -> Person | None:
    """The one person who may sign in today and has this (E.164) number, or None: when several
    share a number, none of them signs in by it (they use a printed code)."""
    today = local_today(now)
    people = db.session.scalars(
        sa.select(Person).where(Person.phone == phone, Person.erased_at.is_(None)).limit(2)
    ).all()
    if len(people) != 1 or not people[0].may_sign_in(today):
        return None
    return people[0]


def _usable(row: SignInCode | None, now: datetime) -> bool:
    return row is not None and row.used_at is None and row.expires_at > now


def redeem_sms_code(phone: str, code: str, now: datetime | None = None) -> Person | None:
    """The person the code was sent to, using the code up; or None. A wrong guess counts against
    the number's newest code, which ``MAX_WRONG_TRIES`` of them retire."""
    now = now or utcnow()
    person = person_with_phone(phone, now)
    if person is None:
        return None
    row = db.session.scalar(
        sa.select(SignInCode)
        .where(SignInCode.person_id == person.id, SignInCode.kind == SMS)
        .order_by(SignInCode.id.desc())
        .limit(1)
    )
    if not _usable(row, now):
        return None
    if not hmac.compare_digest(row.code_hash, _digest(code.strip())):
        row.wrong_tries += 1
        if row.wrong_tries >= MAX_WRONG_TRIES:
            row.expires_at = now
        db.session.flush()
        return None
    row.used_at = now
    db.session.flush()
    return person


def normalise_printed_code(text: str) -> str:
    """The code as made: capitals, without the dashes and spaces it is printed or typed with."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def redeem_printed_code(text: str, now: datetime | None = None) -> Person | None:
    """The person of this printed code, using it up; or None if it is unknown, used or expired."""
    now = now or utcnow()
    row = db.session.scalar(
        sa.select(SignInCode).where(
            SignInCode.kind == PRINTED, SignInCode.code_hash == _digest(normalise_printed_code(text))
        )
    )
    if not _usable(row, now) or not row.person.may_sign_in(local_today(now)):
        return None
    row.used_at = now
    db.session.flush()
    return row.person


def prune_sign_in_codes(now: datetime | None = None) -> int:
    """Delete codes that expired more than ``LMS_RETENTION_SIGN_IN_LINK_DAYS`` ago (the links'
    rule); returns how many."""
    keep = timedelta(days=current_app.config["RETENTION_SIGN_IN_LINK_DAYS"])
    cutoff = (now or utcnow()) - keep
    result = db.session.execute(sa.delete(SignInCode).where(SignInCode.expires_at < cutoff))
    return result.rowcount or 0
