"""A module a unit marks as credential-bearing: who may mark it, and the credential a person of the
unit (or a unit below) gets for passing it, once per module version, and not for failing it."""

from __future__ import annotations

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.competence import services as competence
from lms.content.services import current_version
from lms.credentials import modules
from lms.credentials.models import Credential, CredentialKind
from lms.extensions import db
from lms.groups import services as groups
from lms.learning import services as learning
from lms.learning.standing import Verdict
from lms.organisation.models import Person, Role, Unit
from tests.conftest import add_person
from tests.credentials import independent
from tests.support.frameworks import import_test_framework

PAGE = "/credentials/units/{}/modules"
PASSED = learning.Outcome(score=1.0, passed=True, verdict=Verdict.PASSED)


def mark(unit_id: int, module_id: str, actor_id: int) -> None:
    modules.set_marked(db.session.get(Unit, unit_id), {module_id}, db.session.get(Person, actor_id))


def take(person_id: int, module_id: str, result: learning.Outcome | None = None):
    """An attempt at the module's current version, ended with ``result`` (None: its own answers,
    none given, so failed)."""
    person = db.session.get(Person, person_id)
    attempt = learning.start_or_resume(person, current_version(module_id))
    learning.complete(attempt, learning.module_of(attempt), result)
    return attempt


def credentials_of(person_id: int) -> list[Credential]:
    query = sa.select(Credential).where(Credential.person_id == person_id)
    return list(db.session.scalars(query))


def test_a_manager_marks_a_module_for_their_unit(org, client, fixture_module):
    client.sign_in(org.manager)
    page = client.get(PAGE.format(org.ward.id)).get_data(as_text=True)
    assert "Alle korttyper" in page and "Gir mikrobevis" in page
    response = client.submit(PAGE.format(org.ward.id), data={"module_ids": [fixture_module]})
    assert response.status_code == 302
    page = client.get(PAGE.format(org.ward.id)).get_data(as_text=True)
    assert f'value="{fixture_module}" id="module-1" checked' in page
    response = client.submit(PAGE.format(org.ward.id), data={})
    with client.application.app_context():
        assert modules.marked_module_ids(org.ward.id) == set()


def test_a_unit_below_sees_the_mark_from_above_and_cannot_undo_it(app, org, client, fixture_module):
    with app.app_context():
        mark(org.area.id, fixture_module, org.admin.id)
        db.session.commit()
    client.sign_in(org.manager)
    page = client.get(PAGE.format(org.ward.id)).get_data(as_text=True)
    assert "valgt av en enhet over" in page
    assert 'id="module-1" checked disabled' in page


def test_only_a_manager_or_admin_over_the_unit_may_mark(org, client, fixture_module):
    for person in (org.nurse, org.facilitator):
        client.sign_in(person)
        assert client.get(PAGE.format(org.ward.id)).status_code == 403
        assert client.submit(PAGE.format(org.ward.id), data={}).status_code == 403
    client.sign_in(org.manager)
    assert client.get(PAGE.format(org.zone.id)).status_code == 403
    response = client.submit(PAGE.format(org.zone.id), data={"module_ids": [fixture_module]})
    assert response.status_code == 403
    with client.application.app_context():
        assert modules.marked_module_ids(org.zone.id) == set()


def audit_trail() -> list[tuple[str, int, str, str, dict]]:
    entries = db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.action.like("credential_module.%"))
        .order_by(AuditEntry.id)
    )
    return [(e.action, e.actor_id, e.subject_type, e.subject_id, e.details) for e in entries]


def test_ticking_and_unticking_a_module_is_audited(org, client, make_client, fixture_module):
    client.sign_in(org.manager)
    client.submit(PAGE.format(org.ward.id), data={"module_ids": [fixture_module]})
    client.submit(PAGE.format(org.ward.id), data={"module_ids": [fixture_module]})
    client.submit(PAGE.format(org.ward.id), data={})
    with client.application.app_context():
        assert audit_trail() == [
            (
                "credential_module.mark",
                org.manager.id,
                "module",
                fixture_module,
                {"unit_id": org.ward.id},
            ),
            (
                "credential_module.unmark",
                org.manager.id,
                "module",
                fixture_module,
                {"unit_id": org.ward.id},
            ),
        ]
    top_admin = make_client()
    top_admin.sign_in(org.admin)
    log = top_admin.get("/admin/audit/").get_data(as_text=True)
    assert "Modul satt til å gi mikrobevis" in log
    assert "Modul gir ikke lenger mikrobevis" in log
    assert f"module {fixture_module}" in log
    assert f"unit_id: {org.ward.id}" in log


def test_an_admin_of_another_unit_cannot_tick_and_nothing_is_audited(app, org, client, fixture_module):
    with app.app_context():
        zone_admin = add_person("Sara Soneadmin", "sara@testvik.no", org.zone, Role.ADMIN)
        mark(org.ward.id, fixture_module, org.manager.id)
        db.session.execute(sa.delete(AuditEntry))
        db.session.commit()
    client.sign_in(zone_admin)
    assert client.get(PAGE.format(org.ward.id)).status_code == 403
    assert client.submit(PAGE.format(org.ward.id), data={}).status_code == 403
    with app.app_context():
        assert modules.marked_module_ids(org.ward.id) == {fixture_module}
        assert audit_trail() == []


def test_passing_a_marked_module_issues_a_course_credential(app, org, fixture_module):
    with app.app_context():
        import_test_framework("TEST")
        mark(org.area.id, fixture_module, org.admin.id)
        take(org.nurse.id, fixture_module, PASSED)
        [credential] = credentials_of(org.nurse.id)
        assert credential.kind is CredentialKind.MODULE
        assert credential.expires_at is None
        assert credential.unit_id == org.municipality.id
    _header, body, _signature = independent.parts(credential.token)
    achievement = body["credentialSubject"]["achievement"]
    assert achievement["name"] == "Alle korttyper"
    assert achievement["achievementType"] == "Course"
    assert achievement["description"] == "En testmodul med ett kort av hver innebygde type."
    eu = achievement["euMicroCredential"]
    assert eu["learningOutcomes"] == (
        "En testmodul med ett kort av hver innebygde type."
        " Gir kompetanse: Testkompetanse på nivå To (2)."
    )
    assert eu["notionalWorkloadHours"] == 0.08
    assert eu["typeOfAssessment"] == "Quiz vurdert automatisk av plattformen"
    assert eu["formOfParticipation"] == "Nettbasert, individuelt"
    assert "validUntil" not in body


def test_passing_again_issues_no_second_credential(app, org, fixture_module):
    with app.app_context():
        mark(org.ward.id, fixture_module, org.manager.id)
        take(org.nurse.id, fixture_module, PASSED)
        take(org.nurse.id, fixture_module, PASSED)
        assert len(credentials_of(org.nurse.id)) == 1


def test_a_failed_attempt_issues_nothing(app, org, fixture_module):
    with app.app_context():
        mark(org.ward.id, fixture_module, org.manager.id)
        attempt = take(org.nurse.id, fixture_module)
        assert attempt.outcome == Verdict.FAILED
        assert credentials_of(org.nurse.id) == []


def test_an_unmarked_module_or_another_units_mark_issues_nothing(app, org, fixture_module):
    with app.app_context():
        mark(org.zone.id, fixture_module, org.admin.id)
        take(org.nurse.id, fixture_module, PASSED)
        assert credentials_of(org.nurse.id) == []
        take(org.assistant.id, fixture_module, PASSED)
        assert len(credentials_of(org.assistant.id)) == 1


def test_the_credential_expires_with_the_competence_it_gives(app, org, fixture_module):
    with app.app_context():
        code = import_test_framework("TEST")
        competence.add_requirement(code, db.session.get(Unit, org.area.id), 2, validity_months=24)
        mark(org.ward.id, fixture_module, org.manager.id)
        attempt = take(org.nurse.id, fixture_module, PASSED)
        module_credential = next(
            c for c in credentials_of(org.nurse.id) if c.kind is CredentialKind.MODULE
        )
        assert module_credential.expires_at.year == attempt.completed_at.year + 2


def test_a_pass_in_a_group_run_says_the_participation_was_in_a_group(app, org, fixture_module):
    with app.app_context():
        mark(org.ward.id, fixture_module, org.manager.id)
        facilitator = db.session.get(Person, org.facilitator.id)
        run = groups.start_run(facilitator, current_version(fixture_module), None)
        participant = groups.join(run, db.session.get(Person, org.nurse.id))
        learning.complete(participant.attempt, learning.module_of(participant.attempt), PASSED)
        [credential] = credentials_of(org.nurse.id)
    _header, body, _signature = independent.parts(credential.token)
    eu = body["credentialSubject"]["achievement"]["euMicroCredential"]
    assert eu["formOfParticipation"] == "Nettbasert, i gruppe"


def test_a_competence_credential_carries_the_workload_of_the_module_behind_it(app, org, fixture_module):
    with app.app_context():
        code = import_test_framework("TEST")
        competence.add_requirement(code, db.session.get(Unit, org.ward.id), 2)
        take(org.nurse.id, fixture_module, PASSED)
        [credential] = credentials_of(org.nurse.id)
        assert credential.kind is CredentialKind.COMPETENCE
    _header, body, _signature = independent.parts(credential.token)
    eu = body["credentialSubject"]["achievement"]["euMicroCredential"]
    assert eu["notionalWorkloadHours"] == 0.08
    assert "eqfLevel" not in eu
