"""Statements for credentials (mikrobevis), after the Open Badges xAPI recipe: ``earned`` when the
platform issues one and when a person imports a verified one from another issuer, and ``voided``
(by the admin) when one is revoked (docs/xapi-profile.md, *Credentials*).

The ``earned`` statement's id is derived from the credential's UUID, so revoking voids exactly it.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import Flask, current_app

from lms import signals
from lms.competence.models import Competence
from lms.content.localised import language_map
from lms.credentials.keys import did_for
from lms.credentials.models import Credential, ImportedCredential
from lms.db import utcnow
from lms.extensions import db
from lms.tracking.profile import ACTIVITY_TYPES, PLATFORM, Profile
from xapi.outbox import record, record_all

RECIPE = "http://specification.openbadges.org/xapi/recipe/base/0"
ASSERTION = "http://specification.openbadges.org/xapi/extensions/badgeassertion"


def connect() -> None:
    signals.credentials_issued.connect(issued)
    signals.credential_revoked.connect(revoked)
    signals.credential_imported.connect(imported)


def profile() -> Profile:
    return Profile(current_app.config["BASE_URL"])


def earned_statement_id(credential: Credential) -> str:
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"{current_app.config['BASE_URL']}/credential/{credential.uuid}")
    )


def _badge(activity_id: str, name: dict[str, str]) -> dict:
    return {
        "objectType": "Activity",
        "id": activity_id,
        "definition": {"type": ACTIVITY_TYPES["badge"], "name": name},
    }


def _context(issuer: str) -> dict:
    return {
        "platform": PLATFORM,
        "language": "nb-NO",
        "contextActivities": {"category": [{"id": RECIPE}]},
        "extensions": {profile().extension("credential-issuer"): issuer},
    }


def issued(_app: Flask, credentials: list[Credential]) -> None:
    """An ``earned`` statement for each credential, added to the outbox together."""
    titles = _competence_titles(credentials)
    record_all(db.session, [_earned(credential, titles) for credential in credentials])


def _competence_titles(credentials: list[Credential]) -> dict[str, dict[str, str]]:
    """The titles of the competences these credentials are for, by the credential's source."""
    sources = {c.source for c in credentials if c.source.startswith("competence:")}
    if not sources:
        return {}
    codes = {source.removeprefix("competence:") for source in sources}
    rows = db.session.execute(
        sa.select(Competence.code, Competence.titles).where(Competence.code.in_(codes))
    )
    return {f"competence:{code}": titles for code, titles in rows}


def _earned(credential: Credential, titles: dict[str, dict[str, str]]) -> dict:
    """``titles``: a competence's badge is named in every language its competence has (the
    credential itself says the Bokmål title); any other by the credential's title."""
    source = credential.source.replace(":", "/")
    found = titles.get(credential.source)
    name = language_map(found) if found else {"nb-NO": credential.title}
    statement = profile().statement(
        credential.person.uuid,
        "earned",
        _badge(profile().activity_id("credential", source), name),
        at=credential.issued_at,
        context=_context(did_for(credential.unit_id)),
        result={"completion": True, "extensions": {ASSERTION: {"@id": f"urn:uuid:{credential.uuid}"}}},
    )
    statement["id"] = earned_statement_id(credential)
    return statement


def revoked(_app: Flask, credential: Credential, actor) -> None:
    record(db.session, profile().voiding(actor.uuid, earned_statement_id(credential), at=utcnow()))


def imported(_app: Flask, imported: ImportedCredential) -> None:
    statement = profile().statement(
        imported.person.uuid,
        "earned",
        _badge(
            profile().activity_id("credential", "imported", str(imported.id)),
            {"nb-NO": imported.title},
        ),
        at=imported.imported_at,
        context=_context(imported.issuer),
        result={"completion": True, "extensions": {ASSERTION: {"@id": imported.credential_id}}},
    )
    record(db.session, statement)
