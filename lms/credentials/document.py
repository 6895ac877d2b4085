"""The unsecured ``OpenBadgeCredential`` (Open Badges 3.0 on the W3C VC Data Model 2.0), with the
elements the EU Council Recommendation on micro-credentials (2022) lists as mandatory. Pure: the
caller gathers the facts (``Achievement``, ``Learner``, ``Issuer``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


@dataclass(frozen=True)
class Achievement:
    id: str
    name: str
    description: str
    criteria: str
    """The learning outcomes, in words."""
    achievement_type: str
    """Open Badges' ``achievementType``: ``Competency`` or ``Course``."""
    level: str = ""
    """The level reached, e.g. "Selvstendig (3)"."""
    framework: str = ""
    code: str = ""
    alignments: list[str] = field(default_factory=list)
    """DigComp/ESCO URIs the competence corresponds to."""
    workload_hours: float | None = None
    eqf_level: int | None = None
    assessment: str = ""
    participation: str = ""


@dataclass(frozen=True)
class Learner:
    """How the person is named, as they chose: their name, or a salted hash of their e-mail."""

    name: str = ""
    email: str = ""
    salt: str = ""

    def identity(self) -> dict:
        if self.email:
            digest = hashlib.sha256((self.email.lower() + self.salt).encode()).hexdigest()
            return {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": f"sha256${digest}",
                "salt": self.salt,
            }
        return {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": self.name,
        }


@dataclass(frozen=True)
class Issuer:
    id: str
    name: str
    url: str
    quality_assurance: str


def iso(moment: datetime) -> str:
    """``moment`` in UTC as the VC data model writes it (``2026-12-02T04:19:18Z``); naive is UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def credential(
    *,
    credential_id: str,
    issuer: Issuer,
    learner: Learner,
    achievement: Achievement,
    issued_at: datetime,
    expires_at: datetime | None,
    status: dict,
    language: str = "nb",
) -> dict:
    body = {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": {
            "id": issuer.id,
            "type": ["Profile"],
            "name": issuer.name,
            "url": issuer.url,
            "address": {"type": ["Address"], "addressCountry": "Norge", "addressCountryCode": "NO"},
        },
        "validFrom": iso(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [learner.identity()],
            "achievement": _achievement(achievement, issuer, language),
        },
        "credentialStatus": status,
    }
    if achievement.level:
        body["credentialSubject"]["result"] = [{"type": ["Result"], "value": achievement.level}]
    if expires_at is not None:
        body["validUntil"] = iso(expires_at)
    return body


def _achievement(achievement: Achievement, issuer: Issuer, language: str) -> dict:
    body: dict = {
        "id": achievement.id,
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name,
        "description": achievement.description or achievement.name,
        "criteria": {"narrative": achievement.criteria},
        "inLanguage": language,
        "creator": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
    }
    if achievement.code:
        body["humanCode"] = achievement.code
    if achievement.framework:
        body["fieldOfStudy"] = achievement.framework
    alignments = [
        {
            "type": ["Alignment"],
            "targetName": achievement.name,
            "targetUrl": uri,
            "targetType": "ext:ESCO" if "esco" in uri else "CFItem",
            "targetFramework": "ESCO" if "esco" in uri else "DigComp",
        }
        for uri in achievement.alignments
    ]
    if alignments:
        body["alignment"] = alignments
    body["euMicroCredential"] = _eu_elements(achievement, issuer)
    return body


def _eu_elements(achievement: Achievement, issuer: Issuer) -> dict:
    """The Council Recommendation's mandatory elements that Open Badges has no term for; learner,
    title, awarding body, country and date are the credential's own fields."""
    elements: dict = {
        "learningOutcomes": achievement.criteria,
        "typeOfAssessment": achievement.assessment,
        "formOfParticipation": achievement.participation,
        "qualityAssurance": issuer.quality_assurance,
    }
    if achievement.workload_hours is not None:
        elements["notionalWorkloadHours"] = achievement.workload_hours
    if achievement.eqf_level is not None:
        elements["eqfLevel"] = achievement.eqf_level
    return elements
