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
    assert client.get(f"/admin/people/{org.nurse.id}/delete").status_code == 404


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
