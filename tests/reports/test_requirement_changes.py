"""A manager changes and removes a competence requirement: the status follows, removal takes the
assignments it made, other units' managers are refused, and bad input changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms.assignments.models import Assignment
from lms.assignments.services import due_for
from lms.audit.models import AuditEntry
from lms.competence import services as competence
from lms.competence.models import (
    Competence,
    Evidence,
    EvidenceKind,
    Requirement,
    RequirementStatus,
    State,
)
from lms.extensions import db
from lms.organisation.models import Person, Role, Unit
from tests.conftest import add_person
from tests.support.frameworks import import_test_framework


def _test_framework() -> Competence:
    """TEST-1 on a three-level scale: the test module gives it at level 2."""
    return import_test_framework(levels=("En", "To", "Tre"))


@pytest.fixture
def security(app, org, fixture_module):
    """The ward requires TEST-1 at level 2, renewed every 12 months, and assigned the module that
    gives it (due in 30 days); the nurse has level 2."""
    with app.app_context():
        code = _test_framework()
        ward = db.session.get(Unit, org.ward.id)
        requirement = competence.add_requirement(
            code, ward, 2, validity_months=12, assign_due_on=date.today() + timedelta(days=30)
        )
        nurse = db.session.get(Person, org.nurse.id)
        competence.record_evidence(nurse, code, 2, EvidenceKind.MODULE)
        db.session.commit()
        return requirement.id


def _state(person_id: int, requirement_id: int) -> int | None:
    return db.session.scalar(
        sa.select(RequirementStatus.state).filter_by(person_id=person_id, requirement_id=requirement_id)
    )


def _url(org, requirement_id: int, what: str, unit_id: int | None = None) -> str:
    return f"/reports/units/{unit_id or org.ward.id}/requirements/{requirement_id}/{what}"


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).filter_by(action=action)))


def test_editing_a_requirement_changes_the_status_and_the_assignments(
    app, org, client, security, fixture_module
):
    with app.app_context():
        assert _state(org.nurse.id, security) == State.MET
    client.sign_in(org.manager)
    form = client.get(_url(org, security, "edit")).get_data(as_text=True)
    assert "Gjentas hver … måned" in form and 'value="2"' in form
    response = client.submit(
        _url(org, security, "edit"),
        {
            "min_level": "3",
            "mandatory": "0",
            "validity_months": "24",
            "renewal_days": "30",
            "due_on": "2027-01-31",
            "recur_months": "12",
        },
        follow_redirects=True,
    )
    assert "Kravet er endret." in response.get_data(as_text=True)
    with app.app_context():
        requirement = db.session.get(Requirement, security)
        assert (requirement.min_level, requirement.mandatory) == (3, False)
        assert (requirement.validity_months, requirement.renewal_days) == (24, 30)
        assert _state(org.nurse.id, security) == State.MISSING, "level 2 no longer meets it"
        made = db.session.scalars(sa.select(Assignment).filter_by(requirement_id=security)).all()
        assert made and {(a.due_on, a.recur_months) for a in made} == {(date(2027, 1, 31), 12)}
        (entry,) = _audit("requirement.update")
        assert entry.actor_id == org.manager.id and entry.subject_id == str(security)
        assert entry.details["changes"]["min_level"] == 3
    matrix = client.get(f"/reports/units/{org.ward.id}/matrix?view=list").get_data(as_text=True)
    assert "Mangler" in matrix


def test_removing_a_requirement_says_what_goes_and_takes_it_away(
    app, org, client, security, fixture_module
):
    client.sign_in(org.manager)
    page = client.get(_url(org, security, "remove")).get_data(as_text=True)
    assert "Statusen på kravet for 2 personer forsvinner" in page
    assert "1 tildeling som kravet laget, fjernes også" in page
    assert "Fullførte moduler, kursbevis og godkjent praksis blir stående" in page
    with app.app_context():
        assert [i.module_id for i in due_for(db.session.get(Person, org.nurse.id))] == [fixture_module]

    response = client.submit(_url(org, security, "remove"), follow_redirects=True)
    assert "Kravet er fjernet." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Requirement, security) is None
        assert _state(org.nurse.id, security) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
        assert due_for(db.session.get(Person, org.nurse.id)) == []
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 1
        (entry,) = _audit("requirement.delete")
        assert entry.details["assignments"] == 1 and entry.details["people"] == 2
    listed = client.get(f"/reports/units/{org.ward.id}/requirements").get_data(as_text=True)
    assert "Ingen krav ennå." in listed


def test_another_units_manager_is_refused(app, org, make_client, security):
    with app.app_context():
        olga = add_person(
            "Olga Leder", "olga@testvik.no", db.session.get(Unit, org.other_unit.id), Role.MANAGER
        )
        db.session.commit()
    client = make_client()
    client.sign_in(olga)
    for what in ("edit", "remove"):
        assert client.get(_url(org, security, what)).status_code == 403
    assert client.submit(_url(org, security, "remove")).status_code == 403
    assert client.submit(_url(org, security, "edit"), {"min_level": "1"}).status_code == 403
    own_unit = _url(org, security, "remove", unit_id=org.other_unit.id)
    assert client.submit(own_unit).status_code == 404, "not a requirement of her unit"
    nurse = make_client()
    nurse.sign_in(org.nurse)
    assert nurse.get(_url(org, security, "edit")).status_code == 403
    with app.app_context():
        assert db.session.get(Requirement, security).min_level == 2


def test_bad_input_names_the_field_and_changes_nothing(app, org, client, security):
    client.sign_in(org.manager)
    bad = client.submit(
        _url(org, security, "edit"),
        {"min_level": "9", "mandatory": "1", "renewal_days": "mange", "recur_months": "0"},
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Minste nivå: Velg et nivå fra 1 til 3." in page
    assert "Varsel om fornyelse, dager før:" in page
    assert "Gjentas hver … måned: Skriv et tall fra 1 til 60" in page
    no_token = client.post(_url(org, security, "remove"))
    assert no_token.status_code == 400
    with app.app_context():
        requirement = db.session.get(Requirement, security)
        assert (requirement.min_level, requirement.renewal_days) == (2, 60)
        assert _audit("requirement.update") == [] and _audit("requirement.delete") == []


def test_the_new_requirement_form_takes_a_recurrence(app, org, client, fixture_module):
    with app.app_context():
        security_id = _test_framework().id
        db.session.commit()
    client.sign_in(org.manager)
    fields = {
        "competence": security_id,
        "min_level": 2,
        "unit": org.ward.id,
        "mandatory": "1",
        "renewal_days": "60",
        "due_on": (date.today() + timedelta(days=30)).isoformat(),
    }
    bad = client.submit(f"/reports/units/{org.ward.id}/requirements", fields | {"recur_months": "0"})
    assert bad.status_code == 422
    assert "Gjentas hver … måned: skriv et tall fra 1 til 60" in bad.get_data(as_text=True)
    client.submit(f"/reports/units/{org.ward.id}/requirements", fields | {"recur_months": "12"})
    with app.app_context():
        assert db.session.scalars(sa.select(Assignment.recur_months)).all() == [12]


def test_a_removal_sent_again_leads_back_to_the_list_and_changes_nothing(
    app, org, make_client, security
):
    manager = make_client()
    manager.sign_in(org.manager)
    remove = _url(org, security, "remove")
    assert manager.submit(remove).status_code == 302
    listed = f"/reports/units/{org.ward.id}/requirements"
    for send_again in (manager.submit, manager.get):
        again = send_again(remove)
        assert (again.status_code, again.location) == (303, listed)
        assert "Kravet er allerede fjernet." in manager.get(listed).get_data(as_text=True)
    edit = manager.get(_url(org, security, "edit"))
    assert (edit.status_code, edit.location) == (303, listed)
    with app.app_context():
        assert len(_audit("requirement.delete")) == 1
    admin = make_client()
    admin.sign_in(org.admin)
    from_above = admin.submit(_url(org, security, "remove", unit_id=org.municipality.id))
    assert (from_above.status_code, from_above.location) == (
        303,
        f"/reports/units/{org.municipality.id}/requirements",
    )


def test_a_removed_requirement_stays_a_plain_404_or_403_where_it_never_was(
    app, org, make_client, security
):
    """From another unit, a removed requirement looks like one that never existed."""
    manager = make_client()
    manager.sign_in(org.manager)
    manager.submit(_url(org, security, "remove"))
    assert manager.submit(_url(org, 10**6, "remove")).status_code == 404, "never existed"
    with app.app_context():
        olga = add_person(
            "Olga Leder", "olga@testvik.no", db.session.get(Unit, org.other_unit.id), Role.MANAGER
        )
        zone_manager = add_person(
            "Siri Leder", "siri@testvik.no", db.session.get(Unit, org.zone.id), Role.MANAGER
        )
        db.session.commit()
    for person, unit_id in ((olga, org.other_unit.id), (zone_manager, org.zone.id)):
        other = make_client()
        other.sign_in(person)
        assert other.submit(_url(org, security, "remove")).status_code == 403
        for requirement_id in (security, 10**6):
            url = _url(org, requirement_id, "remove", unit_id=unit_id)
            assert other.submit(url).status_code == 404
            assert other.get(url).status_code == 404
            assert "Kravet er allerede fjernet." not in other.get("/").get_data(as_text=True)
    nurse = make_client()
    nurse.sign_in(org.nurse)
    assert nurse.submit(_url(org, security, "remove")).status_code == 403
