"""An admin of one unit cannot take over the account of someone who also holds roles elsewhere:
changing a person everywhere (name, e-mail, phone, active, erasure) needs admin rights over every
unit where they hold a role, or an admin of the top unit. Roles stay per unit."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Person, Role
from lms.organisation.services import grant_role
from tests.conftest import add_person, read_mail


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def ward_admin(app, org) -> Person:
    """An admin of the ward only, where the municipality admin and the manager also hold roles:
    the municipality admin works shifts there, and the manager also leads the zone."""
    with app.app_context():
        ward, zone = db.session.merge(org.ward), db.session.merge(org.zone)
        grant_role(db.session.merge(org.admin), ward, Role.STAFF)
        grant_role(db.session.merge(org.manager), zone, Role.MANAGER)
        person = add_person("Vera Avdelingsadmin", "vera@testvik.no", ward, Role.ADMIN)
        db.session.commit()
    return person


def stored(app, person: Person) -> Person:
    with app.app_context():
        return db.session.get(Person, person.id)


def details(person: Person, **changes) -> dict:
    return {
        "name": person.name,
        "email": person.email,
        "phone": "",
        "job_title": "",
        "active": "y",
        **changes,
    }


@pytest.mark.parametrize("who", ["admin", "manager"])
def test_a_unit_admin_cannot_change_the_email_of_someone_who_holds_roles_elsewhere(
    app, client, org, ward_admin, who
):
    target = getattr(org, who)
    client.sign_in(ward_admin)
    response = client.submit(
        f"/admin/people/{target.id}", details(target, email="angriper@evil.example")
    )
    assert response.status_code == 403
    assert stored(app, target).email == target.email

    client.submit("/login/link", {"email": "angriper@evil.example"})
    assert "angriper@evil.example" not in read_mail(app)


@pytest.mark.parametrize("who", ["admin", "manager"])
def test_a_unit_admin_cannot_deactivate_or_erase_someone_who_holds_roles_elsewhere(
    app, client, org, ward_admin, who
):
    target = getattr(org, who)
    client.sign_in(ward_admin)
    deactivate = details(target)
    del deactivate["active"]
    assert client.submit(f"/admin/people/{target.id}", deactivate).status_code == 403
    assert client.get(f"/admin/people/{target.id}/delete").status_code == 403
    assert client.submit(f"/admin/people/{target.id}/delete").status_code == 403
    after = stored(app, target)
    assert (after.active, after.erased_at, after.name) == (True, None, target.name)


def test_the_person_page_shows_the_details_without_a_form_and_says_why(client, org, ward_admin):
    client.sign_in(ward_admin)
    page = text(client.get(f"/admin/people/{org.manager.id}"))
    assert "mona@testvik.no" in page
    assert 'name="email"' not in page
    assert "Mona Leder har også roller i enheter du ikke administrerer" in page
    assert f"/admin/people/{org.manager.id}/delete" not in page
    assert "Gi en rolle" in page


def test_a_unit_admin_still_changes_and_erases_someone_who_is_only_on_their_unit(
    app, client, org, ward_admin
):
    client.sign_in(ward_admin)
    page = text(client.get(f"/admin/people/{org.nurse.id}"))
    assert 'name="email"' in page
    assert f"/admin/people/{org.nurse.id}/delete" in page
    response = client.submit(
        f"/admin/people/{org.nurse.id}", details(org.nurse, email="nils.ny@testvik.no")
    )
    assert response.status_code == 302
    assert stored(app, org.nurse).email == "nils.ny@testvik.no"
    assert client.submit(f"/admin/people/{org.nurse.id}/delete").status_code == 302
    assert stored(app, org.nurse).erased_at is not None


def test_an_admin_over_every_unit_of_the_person_and_the_top_admin_may(
    app, client, make_client, org, ward_admin
):
    with app.app_context():
        area_admin = add_person(
            "Arne Områdeadmin", "arne@testvik.no", db.session.merge(org.area), Role.ADMIN
        )
        db.session.commit()
    client.sign_in(area_admin)
    response = client.submit(
        f"/admin/people/{org.manager.id}", details(org.manager, phone="+47 912 34 567")
    )
    assert response.status_code == 302
    assert stored(app, org.manager).phone == "+4791234567", "stored in E.164"
    refused = client.submit(f"/admin/people/{org.admin.id}", details(org.admin, name="Ada X"))
    assert refused.status_code == 403

    top_admin = make_client()
    top_admin.sign_in(org.admin)
    response = top_admin.submit(f"/admin/people/{org.manager.id}", details(org.manager, name="Mona L"))
    assert response.status_code == 302
    assert stored(app, org.manager).name == "Mona L"


def test_a_unit_admin_gives_and_removes_roles_on_their_unit_only(app, client, org, ward_admin):
    client.sign_in(ward_admin)
    with app.app_context():
        ward_id = org.ward.id
    response = client.submit(
        f"/admin/people/{org.manager.id}/roles", {"unit": str(ward_id), "role": "facilitator"}
    )
    assert response.status_code == 302
    with app.app_context():
        held = {(r.unit_id, r.role) for r in db.session.get(Person, org.manager.id).roles}
        zone_role = next(
            r.id for r in db.session.get(Person, org.manager.id).roles if r.unit_id == org.zone.id
        )
    assert (ward_id, Role.FACILITATOR) in held
    refused = client.submit(f"/admin/people/{org.manager.id}/roles/{zone_role}/remove")
    assert refused.status_code == 403


def test_the_csv_import_does_not_rename_someone_who_holds_roles_elsewhere(app, client, org, ward_admin):
    client.sign_in(ward_admin)
    renaming = (
        "navn;e-post;enhet;rolle\nMona Overtatt;mona@testvik.no;Sjøgløtt sykehjem, 2. etasje;ansatt\n"
    )
    response = client.submit(
        "/admin/people/import", {"file": (io.BytesIO(renaming.encode()), "ansatte.csv")}
    )
    assert response.status_code == 422
    assert "mona@testvik.no har også roller i enheter du ikke administrerer" in text(response)
    assert stored(app, org.manager).name == "Mona Leder"

    same_name = (
        "navn;e-post;enhet;rolle\nMona Leder;mona@testvik.no;Sjøgløtt sykehjem, 2. etasje;veileder\n"
    )
    response = client.submit(
        "/admin/people/import", {"file": (io.BytesIO(same_name.encode()), "ansatte.csv")}
    )
    assert response.status_code == 200
    with app.app_context():
        roles = db.session.scalars(sa.select(Person).where(Person.id == org.manager.id)).one().roles
        assert Role.FACILITATOR in {r.role for r in roles}
