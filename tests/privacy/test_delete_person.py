"""An admin deletes a person after a confirmation page that names the consequences."""

from __future__ import annotations

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.organisation.models import Person


def test_the_confirmation_page_names_the_consequences_and_changes_nothing(app, org, client):
    client.sign_in(org.admin)
    assert f"/admin/people/{org.nurse.id}/delete" in client.get(
        f"/admin/people/{org.nurse.id}"
    ).get_data(as_text=True)
    page = client.get(f"/admin/people/{org.nurse.id}/delete").get_data(as_text=True)
    assert "Slett Nils Sykepleier" in page
    assert "Fullføringer, kompetansebevis og roller beholdes uten navn" in page
    assert "Sletting kan ikke angres." in page
    with app.app_context():
        assert db.session.get(Person, org.nurse.id).erased_at is None


def test_deletion_pseudonymises_the_row_and_is_in_the_audit_log(app, org, client):
    client.sign_in(org.admin)
    response = client.submit(f"/admin/people/{org.nurse.id}/delete", follow_redirects=True)
    assert "Personen er slettet." in response.get_data(as_text=True)
    with app.app_context():
        person = db.session.get(Person, org.nurse.id)
        assert person.name == f"Slettet person {person.id}"
        assert (person.email, person.phone, person.password_hash, person.external_id) == (None,) * 4
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "person.erase"))
        assert (entry.actor_id, entry.subject_type, entry.subject_id) == (
            org.admin.id,
            "person",
            str(org.nurse.id),
        )
    again = client.get(f"/admin/people/{org.nurse.id}/delete")
    assert (again.status_code, again.location) == (303, "/admin/people")


def test_the_deleted_persons_sessions_end(org, make_client):
    nurse = make_client()
    nurse.sign_in(org.nurse)
    assert nurse.get("/account").status_code == 200
    admin = make_client()
    admin.sign_in(org.admin)
    admin.submit(f"/admin/people/{org.nurse.id}/delete")
    assert nurse.get("/account").status_code == 302


def test_only_an_admin_over_the_person_may_delete_and_never_themselves(app, org, make_client):
    manager = make_client()
    manager.sign_in(org.manager)
    assert manager.get(f"/admin/people/{org.nurse.id}/delete").status_code == 403
    assert manager.submit(f"/admin/people/{org.nurse.id}/delete").status_code == 403
    admin = make_client()
    admin.sign_in(org.admin)
    page = admin.submit(f"/admin/people/{org.admin.id}/delete", follow_redirects=True)
    assert "Du kan ikke slette deg selv." in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Person, org.admin.id).erased_at is None
        assert db.session.get(Person, org.nurse.id).erased_at is None


def test_a_deletion_sent_again_leads_back_to_the_list_and_changes_nothing(app, org, make_client):
    admin = make_client()
    admin.sign_in(org.admin)
    url = f"/admin/people/{org.nurse.id}/delete"
    assert admin.submit(url).status_code == 302
    with app.app_context():
        erased_at = db.session.get(Person, org.nurse.id).erased_at
    again = admin.submit(url)
    assert (again.status_code, again.location) == (303, "/admin/people")
    page = admin.get("/admin/people").get_data(as_text=True)
    assert "Personen er allerede slettet." in page and "Personen er slettet." not in page
    with app.app_context():
        assert db.session.get(Person, org.nurse.id).erased_at == erased_at
        erasures = sa.select(sa.func.count()).where(AuditEntry.action == "person.erase")
        assert db.session.scalar(erasures) == 1
    assert admin.submit("/admin/people/999999/delete").status_code == 404, "never existed"


def test_an_erased_person_stays_refused_to_whoever_could_not_delete_them(app, org, make_client):
    """Another unit's admin and a manager get the 403 they had before, never the message."""
    from lms.organisation.models import Role, Unit
    from tests.conftest import add_person

    with app.app_context():
        other_admin = add_person(
            "Oda Admin", "oda@testvik.no", db.session.get(Unit, org.other_unit.id), Role.ADMIN
        )
        db.session.commit()
    admin = make_client()
    admin.sign_in(org.admin)
    admin.submit(f"/admin/people/{org.nurse.id}/delete")
    for person in (other_admin, org.manager):
        client = make_client()
        client.sign_in(person)
        for response in (
            client.submit(f"/admin/people/{org.nurse.id}/delete"),
            client.submit("/admin/people/999999/delete"),
        ):
            assert response.status_code == 403
        assert "Personen er allerede slettet." not in client.get("/").get_data(as_text=True)
