"""Issuing credentials: for a competence requirement met at its level and for a completed workshop
series, once each (a revoked or expired one is issued anew when earned again). Functions flush; the
caller commits."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, flash, g, has_request_context
from flask_babel import gettext as _

from lms import signals
from lms.audit.services import record
from lms.competence.models import (
    Competence,
    Evidence,
    EvidenceKind,
    Requirement,
    RequirementStatus,
    State,
)
from lms.content.localised import PRIMARY, pick
from lms.credentials import document, keys, services, statuslist, workload
from lms.credentials.models import Credential, CredentialKind, CredentialPreference, LearnerNaming
from lms.credentials.securing import signer
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
    return preferences([person.id])[person.id]


def preferences(person_ids: list[int]) -> dict[int, CredentialPreference]:
    """These people's naming preferences, in one query; those who have none get the default."""
    found = {
        p.person_id: p
        for p in db.session.scalars(
            sa.select(CredentialPreference).where(CredentialPreference.person_id.in_(person_ids))
        )
    }
    for person_id in person_ids:
        if person_id not in found:
            found[person_id] = CredentialPreference(person_id=person_id, naming=LearnerNaming.NAME)
            db.session.add(found[person_id])
    return found


def learner_of(person: Person, naming: LearnerNaming) -> document.Learner:
    """How the credential names the person; a hashed e-mail gets a salt of its own each time."""
    if naming is LearnerNaming.EMAIL_HASH and person.email:
        return document.Learner(email=person.email, salt=secrets.token_hex(8))
    return document.Learner(name=person.name)


@dataclass(frozen=True)
class Award:
    """One credential to issue: to whom, from the municipality above which unit, for what."""

    person: Person
    unit: Unit
    kind: CredentialKind
    source: str
    achievement: document.Achievement
    expires_at: datetime | None


def issue(
    person: Person,
    unit: Unit,
    kind: CredentialKind,
    source: str,
    achievement: document.Achievement,
    expires_at: datetime | None,
) -> Credential | None:
    """Sign and store a credential from the municipality above ``unit`` (None: its key cannot be
    read, ``not_issued``)."""
    issued = issue_all([Award(person, unit, kind, source, achievement, expires_at)])
    return issued[0] if issued else None


def not_issued(municipality: Unit, awards: list[Award], problem: keys.KeyUnreadable) -> None:
    """The municipality's key cannot be read, so ``awards`` are not issued: logged, in the audit
    log (who and what, by id, for issuing them once the key is put right), and said once per
    request to whoever is there, naming the setting. Flushes."""
    current_app.logger.error("%d credential(s) not issued: %s", len(awards), problem)
    details = {
        "kid": problem.key.kid,
        "people": sorted({award.person.id for award in awards}),
        "sources": sorted({award.source for award in awards}),
    }
    record(None, "credential.not_issued", "unit", municipality.id, details)
    if has_request_context() and not g.get("credentials_not_issued_said"):
        g.credentials_not_issued_said = True
        flash(
            _(
                "Mikrobevis kunne ikke utstedes: nøkkelen som signerer dem, kan ikke leses med "
                "innstillingen %(setting)s (eller LMS_SECRET_KEY når den ikke er satt). Det som er "
                "oppnådd, er lagret. Si fra til den som drifter Lærevakt («lms credentials check»).",
                setting=keys.SECRET_SETTING,
            ),
            "error",
        )


def issue_all(awards: list[Award]) -> list[Credential]:
    """Sign and store a credential for each award, in their order. Per municipality its key is
    read and decrypted once and its status-list indexes are taken in one statement; the
    credentials are inserted together, in one flush. A municipality whose key cannot be read
    issues nothing (``not_issued``), so what was earned is still recorded by the caller."""
    if not awards:
        return []
    now = utcnow()
    tops: dict[int, Unit] = {}
    by_municipality: dict[int, list[int]] = {}
    for position, award in enumerate(awards):
        if award.unit.id not in tops:
            tops[award.unit.id] = top_unit(award.unit)
        by_municipality.setdefault(tops[award.unit.id].id, []).append(position)
    namings = {
        person_id: p.naming
        for person_id, p in preferences(sorted({a.person.id for a in awards})).items()
    }
    made: dict[int, Credential] = {}
    for positions in by_municipality.values():
        municipality = tops[awards[positions[0]].unit.id]
        key = keys.current_key(municipality)
        try:
            sign = signer(key)
        except keys.KeyUnreadable as problem:
            not_issued(municipality, [awards[position] for position in positions], problem)
            continue
        issuer = issuer_of(municipality)
        url = statuslist.list_url(municipality.id)
        indexes = statuslist.allocate_indexes(municipality.id, len(positions))
        for position, index in zip(positions, indexes, strict=True):
            award = awards[position]
            credential = Credential(
                uuid=str(uuid.uuid4()),
                person_id=award.person.id,
                unit_id=municipality.id,
                issuer_key_id=key.id,
                kind=award.kind,
                source=award.source,
                title=award.achievement.name[:300],
                issued_at=now,
                expires_at=award.expires_at,
                status_index=index,
            )
            status = {
                "id": f"{url}#{index}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": url,
            }
            body = document.credential(
                credential_id=f"urn:uuid:{credential.uuid}",
                issuer=issuer,
                learner=learner_of(award.person, namings[award.person.id]),
                achievement=award.achievement,
                issued_at=now,
                expires_at=award.expires_at,
                status=status,
                language=award.person.locale or "nb",
            )
            credential.token = sign(body)
            made[position] = credential
    issued = [made[position] for position in range(len(awards)) if position in made]
    if issued:
        db.session.add_all(issued)
        db.session.flush()
        signals.credentials_issued.send(current_app._get_current_object(), credentials=issued)
    return issued


def live_sources(person_ids: list[int], now: datetime) -> set[tuple[int, str]]:
    """(person, source) of the live credentials these people hold (not revoked, not expired)."""
    query = sa.select(Credential.person_id, Credential.source).where(
        Credential.person_id.in_(person_ids),
        Credential.revoked_at.is_(None),
        sa.or_(Credential.expires_at.is_(None), Credential.expires_at > now),
    )
    return {(person_id, source) for person_id, source in db.session.execute(query)}


def held(person_id: int, source: str, now: datetime) -> bool:
    """Whether the person holds a live credential for ``source`` (not revoked, not expired)."""
    return (person_id, source) in live_sources([person_id], now)


CHUNK = 1000
"""Met requirements looked at, and credentials issued, at a time."""


def issue_for_met_requirements(person_ids: list[int] | None) -> list[Credential]:
    """A credential for each competence these people (None: everyone) now meet a requirement for
    on evidence the municipality itself holds (a module, a workshop, a sign-off, a certificate; not
    only an imported credential or a self-assessment), unless they hold a live one. It expires
    when the requirement's validity runs out. Issued in chunks of ``CHUNK``, a fixed number of
    queries each (``issue_all``)."""
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
    rows = db.session.execute(query).all()
    levels: dict[tuple[int, int], str] = {}
    issued = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        ids = sorted({status.person_id for status, _requirement in chunk})
        live = live_sources(ids, now)
        people = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
        hours = workload.competence_hours_of(ids)
        awards = []
        for status, requirement in chunk:
            source = f"competence:{requirement.competence.code}"
            if (status.person_id, source) in live:
                continue
            live.add((status.person_id, source))
            level = status.level or requirement.min_level
            if (requirement.competence_id, level) not in levels:
                levels[requirement.competence_id, level] = level_name(requirement.competence, level)
            achievement = competence_achievement(
                requirement.competence,
                levels[requirement.competence_id, level],
                hours.get((status.person_id, requirement.competence_id)),
            )
            awards.append(
                Award(
                    people[status.person_id],
                    requirement.unit,
                    CredentialKind.COMPETENCE,
                    source,
                    achievement,
                    status.valid_until,
                )
            )
        issued += issue_all(awards)
    return issued


def level_name(competence: Competence, value: int) -> str:
    """The level as a credential states it, in Bokmål like the rest of the signed document:
    «Selvstendig (2)», or the number alone for a level the scale does not have."""
    name = pick(competence.framework.scale.label(value), PRIMARY)
    return f"{name} ({value})" if name else str(value)


def achievement_url(code: str) -> str:
    return f"{current_app.config['BASE_URL']}/credentials/achievements/{code}"


def _text(texts: dict[str, str]) -> str:
    return texts.get("nb") or next(iter(texts.values()), "")


def competence_achievement(
    competence: Competence, level_text: str, workload_hours: float | None = None
) -> document.Achievement:
    """``level_text`` is the level reached as ``level_name`` writes it."""
    name = _text(competence.titles)
    description = _text(competence.descriptions) or name
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


def revoke_for_withdrawn_series(participant, series) -> list[Credential]:
    """The person's completion of ``series`` is withdrawn (attendance it rested on was a mistake):
    revoke their live credential for the series, and each live competence credential that no
    evidence but the series' supports (asked without it, so the order of the receivers that take
    the evidence away does not matter). The series' facilitator revokes, as they withdrew it."""
    source = f"workshop:{series.id}"
    now = utcnow()
    live = db.session.scalars(
        sa.select(Credential).where(
            Credential.person_id == participant.person_id,
            Credential.revoked_at.is_(None),
            sa.or_(Credential.expires_at.is_(None), Credential.expires_at > now),
            sa.or_(Credential.source == source, Credential.kind == CredentialKind.COMPETENCE),
        )
    ).all()
    if not live:
        return []
    supported = {
        f"competence:{code}"
        for code in db.session.scalars(
            sa.select(Competence.code)
            .join(Evidence, Evidence.competence_id == Competence.id)
            .where(
                Evidence.person_id == participant.person_id,
                Evidence.kind.not_in([EvidenceKind.CREDENTIAL, EvidenceKind.SELF]),
                Evidence.source != source,
            )
        )
    }
    withdrawn = [c for c in live if c.source == source or c.source not in supported]
    actor = series.facilitator or db.session.get(Person, participant.person_id)
    reason = _("Fullføringen av «%(title)s» er trukket tilbake.", title=series.title)
    for credential in withdrawn:
        services.revoke(credential, reason, actor)
    return withdrawn


def issue_for_series(participant, series) -> Credential | None:
    source = f"workshop:{series.id}"
    if held(participant.person_id, source, utcnow()):
        return None
    person = db.session.get(Person, participant.person_id)
    return issue(person, series.unit, CredentialKind.WORKSHOP, source, series_achievement(series), None)
