"""Issuing credentials: for a competence requirement met at its level and for a completed workshop
series, once each (a revoked or expired one is issued anew when earned again). Functions flush; the
caller commits."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from lms import signals
from lms.competence.models import (
    Competence,
    Evidence,
    EvidenceKind,
    Requirement,
    RequirementStatus,
    ScaleLevel,
    State,
)
from lms.credentials import document, keys, statuslist, workload
from lms.credentials.models import Credential, CredentialKind, CredentialPreference, LearnerNaming
from lms.credentials.securing import sign
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.organisation.services import ancestors

QUALITY_ASSURANCE = (
    "Utstedt av kommunen som arbeidsgiver; innhold godkjent i kommunens modulbibliotek "
    "(lms.content), vurdering etter kompetansekravets nivå."
)


def top_unit(unit: Unit) -> Unit:
    return (ancestors(unit) or [unit])[0]


def issuer_of(unit: Unit) -> document.Issuer:
    municipality = top_unit(unit)
    return document.Issuer(
        id=keys.did_for(municipality.id),
        name=municipality.name,
        url=current_app.config["BASE_URL"],
        quality_assurance=current_app.config.get("CREDENTIALS_QUALITY_ASSURANCE") or QUALITY_ASSURANCE,
    )


def preference(person: Person) -> CredentialPreference:
    found = db.session.get(CredentialPreference, person.id)
    if found is None:
        found = CredentialPreference(person_id=person.id, naming=LearnerNaming.NAME)
        db.session.add(found)
    return found


def learner_of(person: Person) -> document.Learner:
    if preference(person).naming is LearnerNaming.EMAIL_HASH and person.email:
        return document.Learner(email=person.email, salt=secrets.token_hex(8))
    return document.Learner(name=person.name)


def issue(
    person: Person,
    unit: Unit,
    kind: CredentialKind,
    source: str,
    achievement: document.Achievement,
    expires_at: datetime | None,
) -> Credential:
    """Sign and store a credential from the municipality above ``unit``."""
    municipality = top_unit(unit)
    key = keys.current_key(municipality)
    index = statuslist.allocate_index(municipality.id)
    made = Credential(
        person_id=person.id,
        unit_id=municipality.id,
        issuer_key_id=key.id,
        kind=kind,
        source=source,
        title=achievement.name[:300],
        issued_at=utcnow(),
        expires_at=expires_at,
        status_index=index,
        token="",
    )
    db.session.add(made)
    db.session.flush()
    status = {
        "id": f"{statuslist.list_url(municipality.id)}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": statuslist.list_url(municipality.id),
    }
    body = document.credential(
        credential_id=f"urn:uuid:{made.uuid}",
        issuer=issuer_of(unit),
        learner=learner_of(person),
        achievement=achievement,
        issued_at=made.issued_at,
        expires_at=expires_at,
        status=status,
        language=person.locale or "nb",
    )
    made.token = sign(body, key)
    db.session.flush()
    signals.credential_issued.send(current_app._get_current_object(), credential=made)
    return made


def held(person_id: int, source: str, now: datetime) -> bool:
    """Whether the person holds a live credential for ``source`` (not revoked, not expired)."""
    query = sa.select(Credential.id).where(
        Credential.person_id == person_id,
        Credential.source == source,
        Credential.revoked_at.is_(None),
        sa.or_(Credential.expires_at.is_(None), Credential.expires_at > now),
    )
    return db.session.scalar(query.limit(1)) is not None


def issue_for_met_requirements(person_ids: list[int] | None) -> list[Credential]:
    """A credential for each competence these people (None: everyone) now meet a requirement for
    on evidence the municipality itself holds (a module, a workshop, a sign-off, a certificate; not
    only an imported credential or a self-assessment), unless they hold a live one. It expires
    when the requirement's validity runs out."""
    now = utcnow()
    own_evidence = (
        sa.select(Evidence.id)
        .where(
            Evidence.person_id == RequirementStatus.person_id,
            Evidence.competence_id == RequirementStatus.competence_id,
            Evidence.level >= Requirement.min_level,
            Evidence.kind.not_in([EvidenceKind.CREDENTIAL, EvidenceKind.SELF]),
        )
        .exists()
    )
    query = (
        sa.select(RequirementStatus, Requirement)
        .join(Requirement, Requirement.id == RequirementStatus.requirement_id)
        .where(RequirementStatus.state.in_([int(State.MET), int(State.RENEWAL_DUE)]), own_evidence)
        .order_by(RequirementStatus.person_id, Requirement.id)
    )
    if person_ids is not None:
        if not person_ids:
            return []
        query = query.where(RequirementStatus.person_id.in_(person_ids))
    issued = []
    for status, requirement in db.session.execute(query).all():
        source = f"competence:{requirement.competence.code}"
        if held(status.person_id, source, now):
            continue
        person = db.session.get(Person, status.person_id)
        achievement = competence_achievement(
            requirement.competence,
            status.level or requirement.min_level,
            workload.competence_hours(status.person_id, requirement.competence_id),
        )
        issued.append(
            issue(
                person,
                requirement.unit,
                CredentialKind.COMPETENCE,
                source,
                achievement,
                status.valid_until,
            )
        )
    return issued


def level_name(competence: Competence, value: int) -> str:
    level = db.session.scalar(
        sa.select(ScaleLevel).where(
            ScaleLevel.scale_id == competence.framework.scale_id, ScaleLevel.value == value
        )
    )
    return f"{level.name} ({value})" if level else str(value)


def achievement_url(code: str) -> str:
    return f"{current_app.config['BASE_URL']}/credentials/achievements/{code}"


def _text(texts: dict[str, str]) -> str:
    return texts.get("nb") or next(iter(texts.values()), "")


def competence_achievement(
    competence: Competence, level: int, workload_hours: float | None = None
) -> document.Achievement:
    name = _text(competence.titles)
    description = _text(competence.descriptions) or name
    level_text = level_name(competence, level)
    return document.Achievement(
        id=achievement_url(competence.code),
        name=name,
        description=description,
        criteria=f"{description} Oppnådd på nivå {level_text}.",
        achievement_type="Competency",
        level=level_text,
        framework=_text(competence.framework.titles),
        code=competence.code,
        alignments=list(competence.mappings or []),
        workload_hours=workload_hours,
        assessment="Automatisk vurdert i e-læringsmodul, eller praksis observert og godkjent av leder",
        participation="Nettbasert, individuelt, på arbeidsplassen",
    )


def series_achievement(series) -> document.Achievement:
    sessions = [s for s in series.sessions if s.cancelled_at is None]
    hours = sum((s.ends_at - s.starts_at).total_seconds() for s in sessions) / 3600
    return document.Achievement(
        id=achievement_url(f"workshop-{series.uuid}"),
        name=series.title,
        description=series.description or series.title,
        criteria=f"Deltatt på minst {series.required_share} % av samlingene i «{series.title}».",
        achievement_type="Course",
        workload_hours=round(hours, 1),
        assessment="Oppmøte registrert av fasilitator",
        participation="Fysisk oppmøte i gruppe",
    )


def issue_for_series(participant, series) -> Credential | None:
    source = f"workshop:{series.id}"
    if held(participant.person_id, source, utcnow()):
        return None
    person = db.session.get(Person, participant.person_id)
    return issue(person, series.unit, CredentialKind.WORKSHOP, source, series_achievement(series), None)
