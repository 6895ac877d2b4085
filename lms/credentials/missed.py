"""Issuing, once a municipality's signing key can be read again, what was earned while it could
not: ``issuing.not_issued`` left an audit entry ``credential.not_issued`` per batch, naming the people
and the sources (``competence:<code>``, ``workshop:<series id>``, ``module:<module>:<version id>``).
Each is issued as it would have been, unless the person now holds a live one (the issuing
functions check), so running it twice issues nothing twice. Functions flush; the caller commits."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.content.models import ModuleVersion
from lms.content.services import load_version
from lms.credentials import issuing, modules
from lms.credentials.models import Credential
from lms.extensions import db
from lms.learning.models import Attempt
from lms.workshops.models import WorkshopParticipant, WorkshopSeries


def missed() -> dict[str, set[int]]:
    """Source -> the people who earned it while the key could not be read."""
    query = sa.select(AuditEntry.details).where(AuditEntry.action == "credential.not_issued")
    people: dict[str, set[int]] = defaultdict(set)
    for details in db.session.scalars(query):
        for source in details.get("sources", []):
            people[source].update(details.get("people", []))
    return dict(people)


def issue_missed() -> list[Credential]:
    """Issue what ``missed`` lists and is still earned: requirements met now, completed series,
    passed attempts at a marked module."""
    issued: list[Credential] = []
    met: set[int] = set()
    for source, people in sorted(missed().items()):
        kind, _colon, rest = source.partition(":")
        if kind == "competence":
            met |= people
        elif kind == "workshop":
            issued += _series(int(rest), people)
        elif kind == "module":
            issued += _module(int(rest.rsplit(":", 1)[1]), people)
    if met:
        issued += issuing.issue_for_met_requirements(sorted(met))
    return issued


def _series(series_id: int, people: set[int]) -> list[Credential]:
    series = db.session.get(WorkshopSeries, series_id)
    if series is None:
        return []
    query = sa.select(WorkshopParticipant).where(
        WorkshopParticipant.series_id == series_id,
        WorkshopParticipant.person_id.in_(sorted(people)),
        WorkshopParticipant.completed_at.is_not(None),
    )
    made = [issuing.issue_for_series(p, series) for p in db.session.scalars(query)]
    return [credential for credential in made if credential is not None]


def _module(version_id: int, people: set[int]) -> list[Credential]:
    version = db.session.get(ModuleVersion, version_id)
    if version is None:
        return []
    module = load_version(version)
    query = (
        sa.select(Attempt)
        .where(
            Attempt.version_id == version_id,
            Attempt.person_id.in_(sorted(people)),
            Attempt.passed.is_(True),
        )
        .order_by(Attempt.person_id, Attempt.completed_at.desc())
    )
    latest: dict[int, Attempt] = {}
    for attempt in db.session.scalars(query):
        latest.setdefault(attempt.person_id, attempt)
    made = [modules.issue_for_attempt(attempt, module) for attempt in latest.values()]
    return [credential for credential in made if credential is not None]
