"""Credentials for modules a unit marks as credential-bearing: a person holding a role in such a unit
(or a unit below it) who passes the module gets one credential per module version passed.
Functions flush; the caller commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from lms.audit import services as audit
from lms.competence.models import Competence, Requirement
from lms.competence.profile import add_months
from lms.competence.services import competences_by_code
from lms.content.localised import pick
from lms.content.package import Module
from lms.credentials import document, issuing
from lms.credentials.models import Credential, CredentialKind, CredentialModule
from lms.db import utcnow
from lms.extensions import db
from lms.groups.models import GroupParticipant
from lms.learning.models import Attempt
from lms.organisation.models import Person, RoleAssignment, Unit
from lms.organisation.services import ancestors


def marked_module_ids(unit_id: int) -> set[str]:
    """The modules marked on this unit itself (not those inherited from above)."""
    query = sa.select(CredentialModule.module_id).where(CredentialModule.unit_id == unit_id)
    return set(db.session.scalars(query))


def inherited_module_ids(unit: Unit) -> set[str]:
    """The modules a unit above this one has marked."""
    above = [u.id for u in ancestors(unit)]
    if not above:
        return set()
    query = sa.select(CredentialModule.module_id).where(CredentialModule.unit_id.in_(above))
    return set(db.session.scalars(query))


def set_marked(unit: Unit, module_ids: set[str], actor: Person) -> None:
    """Make exactly ``module_ids`` the modules marked on ``unit``; each mark set or taken away is
    audited, with the module as the subject and the unit in the details."""
    current = marked_module_ids(unit.id)
    if removed := current - module_ids:
        db.session.execute(
            sa.delete(CredentialModule).where(
                CredentialModule.unit_id == unit.id, CredentialModule.module_id.in_(removed)
            )
        )
    for module_id in sorted(removed):
        audit.record(actor, "credential_module.unmark", "module", module_id, {"unit_id": unit.id})
    for module_id in sorted(module_ids - current):
        db.session.add(CredentialModule(unit_id=unit.id, module_id=module_id, set_by_id=actor.id))
        audit.record(actor, "credential_module.mark", "module", module_id, {"unit_id": unit.id})
    db.session.flush()


def bearing_unit(person_id: int, module_id: str) -> Unit | None:
    """A unit of the person's for which the module is marked (on it or a unit above), if any."""
    roles = db.session.scalars(sa.select(RoleAssignment).where(RoleAssignment.person_id == person_id))
    for role in roles:
        path = [*ancestors(role.unit), role.unit]
        marked = sa.select(CredentialModule.unit_id).where(
            CredentialModule.module_id == module_id,
            CredentialModule.unit_id.in_([u.id for u in path]),
        )
        if db.session.scalar(marked.limit(1)) is not None:
            return role.unit
    return None


def expiry(module: Module, unit: Unit, passed_at: datetime) -> datetime | None:
    """When the credential runs out: the shortest validity of a requirement on the unit (or above)
    for a competence the module gives evidence of; never when none expires."""
    codes = [evidence.competence for evidence in module.evidence]
    if not codes:
        return None
    unit_ids = [u.id for u in [*ancestors(unit), unit]]
    months = db.session.scalar(
        sa.select(sa.func.min(Requirement.validity_months))
        .join(Competence, Competence.id == Requirement.competence_id)
        .where(Competence.code.in_(codes), Requirement.unit_id.in_(unit_ids))
    )
    return add_months(passed_at, months) if months else None


def in_group_run(attempt: Attempt) -> bool:
    query = sa.select(GroupParticipant.id).where(GroupParticipant.attempt_id == attempt.id)
    return db.session.scalar(query) is not None


def learning_outcomes(module: Module) -> str:
    """The module's summary and the competences it gives evidence of, in words."""
    summary = pick(module.summary, "nb") or pick(module.title, "nb")
    known = competences_by_code([evidence.competence for evidence in module.evidence])
    competences = []
    for evidence in module.evidence:
        if (competence := known.get(evidence.competence)) is not None:
            level = issuing.level_name(competence, evidence.level)
            competences.append(f"{pick(competence.titles, 'nb')} på nivå {level}")
    if not competences:
        return summary
    return f"{summary} Gir kompetanse: {'; '.join(competences)}."


def module_achievement(module: Module, group: bool) -> document.Achievement:
    title = pick(module.title, "nb")
    return document.Achievement(
        id=issuing.achievement_url(f"module-{module.id}"),
        name=title,
        description=pick(module.summary, "nb") or title,
        criteria=learning_outcomes(module),
        achievement_type="Course",
        code=module.id,
        workload_hours=round(module.minutes / 60, 2),
        assessment="Quiz vurdert automatisk av plattformen",
        participation="Nettbasert, i gruppe" if group else "Nettbasert, individuelt",
    )


def issue_for_attempt(attempt: Attempt, module: Module) -> Credential | None:
    """A credential for a passed attempt at a marked module, unless the person already holds a live
    one for this version."""
    if not attempt.passed:
        return None
    unit = bearing_unit(attempt.person_id, module.id)
    if unit is None:
        return None
    source = f"module:{module.id}:{attempt.version_id}"
    now = utcnow()
    if issuing.held(attempt.person_id, source, now):
        return None
    person = db.session.get(Person, attempt.person_id)
    achievement = module_achievement(module, in_group_run(attempt))
    passed_at = attempt.completed_at or now
    return issuing.issue(
        person, unit, CredentialKind.MODULE, source, achievement, expiry(module, unit, passed_at)
    )
