"""Finding (or making) the person behind a verified ID token. Functions flush; the caller commits.

A person is found by (issuer, stable claim) in ``sso_identities``. The first time an identity is seen
it is linked to the active person whose e-mail address the provider says is verified, or, when the
installation allows it, to a person made from the token's claims; otherwise the sign-in is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.accounts.services import find_person_by_email, normalise_email
from lms.core.time import local_today
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from lms.organisation.services import create_person
from lms.sso.models import SsoIdentity

NAME_LENGTH = 200
NAMELESS = "Uten navn"
"""Stored as the name of a person made from a token that carries no name at all."""


class SignInRefused(Exception):
    """The provider vouched for someone, but they may not sign in here."""


class NoAccount(SignInRefused):
    """Nobody here matches the identity, and the installation does not create people."""


class AccountClosed(SignInRefused):
    """The identity belongs to a person who is inactive, erased or whose end date has come."""


class MissingClaim(ValueError):
    """The ID token lacks the stable claim the installation matches people by."""


def find_identity(issuer: str, subject: str) -> SsoIdentity | None:
    return db.session.scalar(sa.select(SsoIdentity).filter_by(issuer=issuer, subject=subject))


def may_sign_in(person: Person, now: datetime | None = None) -> bool:
    return person.may_sign_in(local_today(now))


def person_for_claims(
    issuer: str,
    claims: Mapping,
    *,
    subject_claim: str = "sub",
    create_people: bool = False,
    now: datetime | None = None,
) -> Person:
    """The person who may sign in with these verified ID-token ``claims`` from ``issuer``.

    Raises ``MissingClaim``, ``NoAccount`` or ``AccountClosed``.
    """
    subject = claims.get(subject_claim)
    if subject in (None, ""):
        raise MissingClaim(subject_claim)
    subject = str(subject)
    identity = find_identity(issuer, subject) or _first_sign_in(issuer, subject, claims, create_people)
    if not may_sign_in(identity.person, now):
        raise AccountClosed()
    identity.last_signed_in_at = now or utcnow()
    db.session.flush()
    return identity.person


def verified_email(claims: Mapping) -> str | None:
    """The token's e-mail address if the provider says it is verified (``email_verified``)."""
    if claims.get("email_verified") not in (True, "true"):
        return None
    return normalise_email(claims.get("email"))


def _first_sign_in(issuer: str, subject: str, claims: Mapping, create_people: bool) -> SsoIdentity:
    email = verified_email(claims)
    person = find_person_by_email(email) if email else None
    if person is not None and not may_sign_in(person):
        raise AccountClosed()
    if person is None and not create_people:
        raise NoAccount()
    try:
        with db.session.begin_nested():
            person = person or create_person(_name(claims), email=email)
            identity = SsoIdentity(person=person, issuer=issuer, subject=subject)
            db.session.add(identity)
            db.session.flush()
    except IntegrityError:
        # Another request signed the same identity in first, between our look-up and our insert:
        # its row (and the person it made) won; ours was rolled back to the savepoint.
        identity = find_identity(issuer, subject)
        if identity is None:
            raise
    return identity


def _name(claims: Mapping) -> str:
    given_and_family = " ".join(
        str(claims[part]).strip() for part in ("given_name", "family_name") if claims.get(part)
    )
    for candidate in (claims.get("name"), given_and_family, claims.get("preferred_username")):
        if candidate and str(candidate).strip():
            return str(candidate).strip()[:NAME_LENGTH]
    return NAMELESS
