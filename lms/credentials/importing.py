"""A person uploads a credential another issuer gave them. It is taken only when every check holds,
the issuer is trusted and it names the person; it then becomes verified external evidence for the
competence its code names here. A refused upload changes nothing. Functions flush."""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lms import signals
from lms.competence import services as competence
from lms.competence.models import EvidenceKind
from lms.credentials import verification
from lms.credentials.models import ImportedCredential
from lms.extensions import db
from lms.organisation.models import Person


class Refused(ValueError):
    """Why the credential was not taken, in words for the person."""


def names_person(credential: dict, person: Person) -> bool:
    """Whether the credential's learner is this person: their name, or the hash of their e-mail."""
    subject = credential.get("credentialSubject") or {}
    return any(_identifies(identity, person) for identity in subject.get("identifier") or [])


def _identifies(identity: dict, person: Person) -> bool:
    if identity.get("identityType") == "emailAddress" and identity.get("hashed") and person.email:
        text = (person.email.lower() + str(identity.get("salt", ""))).encode()
        return identity.get("identityHash") == "sha256$" + hashlib.sha256(text).hexdigest()
    if identity.get("identityType") == "name" and not identity.get("hashed"):
        return str(identity.get("identityHash", "")).casefold() == person.name.casefold()
    return False


def level_of(subject: dict) -> int:
    """The level reached: the number in brackets of the first result ("Selvstendig (3)"), else 1."""
    for result in subject.get("result") or []:
        found = re.search(r"\((\d+)\)", str(result.get("value", "")))
        if found:
            return int(found.group(1))
    return 1


def import_credential(person: Person, token: str) -> ImportedCredential:
    checked = verification.verify(token)
    failed = checked.failed()
    if failed:
        raise Refused(failed[0].message)
    credential = checked.credential
    if not names_person(credential, person):
        raise Refused(str(_l("Beviset er utstedt til en annen person enn deg.")))
    credential_id = str(credential.get("id", ""))
    duplicate = sa.select(ImportedCredential.id).where(
        ImportedCredential.person_id == person.id, ImportedCredential.credential_id == credential_id
    )
    if db.session.scalar(duplicate) is not None:
        raise Refused(str(_l("Du har alt lastet opp dette beviset.")))
    subject = credential.get("credentialSubject") or {}
    code = str((subject.get("achievement") or {}).get("humanCode", ""))
    known = competence.competences_by_code([code]).get(code) if code else None
    evidence = None
    if known is not None:
        evidence = competence.record_evidence(
            person,
            known,
            level_of(subject),
            EvidenceKind.CREDENTIAL,
            source=(checked.issuer_name or checked.issuer)[:200],
            achieved_at=verification.moment(credential.get("validFrom")),
            valid_until=verification.moment(credential["validUntil"])
            if credential.get("validUntil")
            else None,
        )
    imported = ImportedCredential(
        person_id=person.id,
        issuer=checked.issuer[:300],
        issuer_name=checked.issuer_name[:300],
        credential_id=credential_id[:300],
        title=checked.title[:300] or code,
        evidence_id=evidence.id if evidence else None,
        token=token.strip(),
    )
    db.session.add(imported)
    db.session.flush()
    signals.credential_imported.send(current_app._get_current_object(), imported=imported)
    return imported
