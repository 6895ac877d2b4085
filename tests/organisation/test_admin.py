"""The admin pages: units, people and roles, each limited to the admin's own units."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit
from lms.organisation.services import create_person, grant_role
from tests.conftest import add_person


def text(response) -> str:
    return response.get_data(as_text=True)


def unit_named(app, name: str) -> Unit | None:
    with app.app_context():
        return db.session.scalar(sa.select(Unit).filter_by(name=name))


def person_with(app, email: str) -> Person | None:
    with app.app_context():
        return db.session.scalar(sa.select(Person).filter_by(email=email))


def roles_of(app, person_id: int) -> set[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Unit.name, RoleAssignment.role)
            .join(RoleAssignment.unit)
            .where(RoleAssignment.person_id == person_id)
        )
        return {(name, str(role)) for name, role in rows}


@pytest.fixture
def area_admin(app, org) -> Person:
    """An admin of the service area 'Helse og omsorg' only."""
    with app.app_context():
        person = add_person(
            "Arne Områdeadmin", "arne@testvik.no", db.session.merge(org.area), Role.ADMIN
        )
        db.session.commit()
    return person


@pytest.fixture
def admin(client, org):
    client.sign_in(org.admin)
    return client


# Who may come in -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/units",
        "/admin/units/new",
        "/admin/people",
        "/admin/people/new",
        "/admin/people/import",
    ],
)
def test_a_manager_is_refused_the_admin_pages(client, org, url):
    client.sign_in(org.manager)
    assert client.get(url).status_code == 403


def test_a_manager_cannot_edit_a_unit_or_a_person_through_admin(client, org):
    client.sign_in(org.manager)
    assert client.get(f"/admin/units/{org.ward.id}/edit").status_code == 403
    assert client.get(f"/admin/people/{org.nurse.id}").status_code == 403
    assert client.get(f"/admin/people/{org.manager.id}").status_code == 403, "not even themselves"
    response = client.submit(f"/admin/people/{org.nurse.id}", {"name": "Hacket", "email": "x@y.no"})
    assert response.status_code == 403
    assert person_with(client.application, "nils@testvik.no").name == "Nils Sykepleier"


def test_the_index_links_to_units_people_and_import(admin):
    page = text(admin.get("/admin/"))
    assert 'href="/admin/units"' in page
    assert 'href="/admin/people"' in page
    assert 'href="/admin/people/import"' in page


def test_the_municipality_admins_index_reaches_every_admin_page_and_a_unit_admins_does_not(
    admin, make_client, area_admin
):
    """Frameworks and the xAPI delivery were reachable only by typing their address."""
    page = text(admin.get("/admin/"))
    wide = ("/admin/modules/", "/admin/competence", "/admin/xapi/", "/admin/audit/", "/admin/api/")
    for address in wide:
        assert f'href="{address}"' in page, address
        assert admin.get(address).status_code == 200, address
    area = make_client()
    area.sign_in(area_admin)
    page = text(area.get("/admin/"))
    for address in wide:
        assert f'href="{address}"' not in page, address


# Units -----------------------------------------------------------------------------------------------


def test_units_are_listed_as_a_tree(admin, org):
    page = text(admin.get("/admin/units"))
    municipality = page.index("Testvik kommune")
    area = page.index("Helse og omsorg")
    ward = page.index("Sjøgløtt sykehjem, 2. etasje")
    assert municipality < area < ward
    assert re.search(rf'class="depth-2">\s*<a href="/admin/units/{org.ward.id}/edit"', page)


def test_admin_creates_a_unit_under_one_of_theirs(app, admin, org):
    response = admin.submit(
        "/admin/units/new", {"name": " Sjøgløtt 3. etasje ", "kind": "unit", "parent": org.area.id}
    )
    assert response.status_code == 302
    made = unit_named(app, "Sjøgløtt 3. etasje")
    assert made.parent_id == org.area.id
    assert str(made.kind) == "unit"
    assert "Sjøgløtt 3. etasje" in text(admin.get("/admin/units"))


def test_a_duplicate_name_under_the_same_parent_is_a_form_error(app, admin, org):
    response = admin.submit(
        "/admin/units/new", {"name": "hjemmesykepleien sone nord", "kind": "unit", "parent": org.area.id}
    )
    assert response.status_code == 422
    assert "Det finnes allerede en enhet med dette navnet på samme sted." in text(response)
    assert unit_named(app, "hjemmesykepleien sone nord") is None


def test_the_same_name_under_another_parent_is_fine(app, admin, org):
    response = admin.submit(
        "/admin/units/new",
        {"name": "Hjemmesykepleien sone Nord", "kind": "unit", "parent": org.other_area.id},
    )
    assert response.status_code == 302
    with app.app_context():
        parents = db.session.scalars(
            sa.select(Unit.parent_id).filter_by(name="Hjemmesykepleien sone Nord")
        ).all()
    assert sorted(parents) == sorted([org.area.id, org.other_area.id])


def test_admin_renames_and_moves_a_unit(app, admin, org):
    response = admin.submit(
        f"/admin/units/{org.zone.id}/edit", {"name": "Sone Nord", "parent": org.other_area.id}
    )
    assert response.status_code == 302
    moved = unit_named(app, "Sone Nord")
    assert moved.id == org.zone.id
    assert moved.parent_id == org.other_area.id


def test_moving_a_unit_below_itself_is_a_form_error(app, admin, org):
    response = admin.submit(f"/admin/units/{org.area.id}/edit", {"name": "Helse", "parent": org.ward.id})
    assert response.status_code == 422
    assert "En enhet kan ikke flyttes inn under seg selv." in text(response)
    unchanged = unit_named(app, "Helse og omsorg")
    assert unchanged.parent_id == org.municipality.id


def test_renaming_onto_a_sibling_name_is_a_form_error(app, admin, org):
    response = admin.submit(
        f"/admin/units/{org.zone.id}/edit",
        {"name": "Sjøgløtt sykehjem, 2. etasje", "parent": org.area.id},
    )
    assert response.status_code == 422
    assert "Det finnes allerede en enhet med dette navnet" in text(response)
    assert unit_named(app, "Hjemmesykepleien sone Nord") is not None


def test_a_top_level_unit_only_by_an_admin_of_a_top_unit(app, client, org, area_admin):
    client.sign_in(area_admin)
    form = text(client.get("/admin/units/new"))
    assert "Øverst (ingen over)" not in form
    response = client.submit(
        "/admin/units/new", {"name": "Nabovik kommune", "kind": "municipality", "parent": 0}
    )
    assert response.status_code == 422
    assert unit_named(app, "Nabovik kommune") is None

    client.submit("/logout")
    client.sign_in(org.admin)
    assert "Øverst (ingen over)" in text(client.get("/admin/units/new"))
    response = client.submit(
        "/admin/units/new", {"name": "Nabovik kommune", "kind": "municipality", "parent": 0}
    )
    assert response.status_code == 302
    assert unit_named(app, "Nabovik kommune").parent_id is None


def test_an_area_admin_sees_and_edits_only_their_area(app, client, org, area_admin):
    client.sign_in(area_admin)
    page = text(client.get("/admin/units"))
    assert "Sjøgløtt sykehjem, 2. etasje" in page
    assert "Bakken barnehage" not in page
    assert "Oppvekst" not in page

    assert client.get(f"/admin/units/{org.other_unit.id}/edit").status_code == 403
    assert (
        client.submit(f"/admin/units/{org.other_unit.id}/edit", {"name": "X", "parent": 0}).status_code
        == 403
    )
    assert unit_named(app, "Bakken barnehage") is not None

    choices = text(client.get("/admin/units/new"))
    assert "Oppvekst" not in choices
    response = client.submit(
        "/admin/units/new", {"name": "Ny", "kind": "unit", "parent": org.other_area.id}
    )
    assert response.status_code == 422
    assert unit_named(app, "Ny") is None


def test_an_area_admin_keeps_their_area_where_it_is(app, client, org, area_admin):
    client.sign_in(area_admin)
    form = text(client.get(f"/admin/units/{org.area.id}/edit"))
    assert f'<option selected value="{org.municipality.id}">Testvik kommune</option>' in form
    response = client.submit(
        f"/admin/units/{org.area.id}/edit", {"name": "Helse og velferd", "parent": org.municipality.id}
    )
    assert response.status_code == 302
    assert unit_named(app, "Helse og velferd").parent_id == org.municipality.id


# People ----------------------------------------------------------------------------------------------


def test_people_are_listed_with_job_title_and_roles(admin, org):
    page = text(admin.get("/admin/people"))
    row = re.search(r"<tr>\s*<td><a[^>]*>Nils Sykepleier</a></td>(.*?)</tr>", page, re.S).group(1)
    assert "Sykepleier" in row
    assert "Ansatt (Sjøgløtt sykehjem, 2. etasje)" in row


def test_people_are_searched_by_name_or_email(admin, org):
    page = text(admin.get("/admin/people?q=nils"))
    assert "Nils Sykepleier" in page
    assert "Aisha Assistent" not in page
    page = text(admin.get("/admin/people?q=AISHA@TESTVIK"))
    assert "Aisha Assistent" in page
    assert "Nils Sykepleier" not in page
    assert "Ingen personer funnet." in text(admin.get("/admin/people?q=%25"))


def _add_staff(app, unit: Unit, count: int, prefix: str) -> None:
    with app.app_context():
        unit = db.session.merge(unit)
        for i in range(count):
            person = create_person(
                f"{prefix} {i:03d}", email=f"{prefix}{i}@testvik.no", job_title="assistent"
            )
            grant_role(person, unit, Role.STAFF)
        db.session.commit()


def test_the_people_list_runs_as_many_queries_for_30_people_as_for_3(app, admin, org, count_queries):
    _add_staff(app, org.ward, 3, "Few")
    admin.get("/admin/people")
    with count_queries() as few:
        assert "Few 002" in text(admin.get("/admin/people"))
    _add_staff(app, org.zone, 27, "Many")
    with count_queries() as many:
        assert "Many 026" in text(admin.get("/admin/people"))
    assert many.n == few.n


def test_the_people_list_shows_50_a_page(app, admin, org):
    _add_staff(app, org.ward, 50, "Zz")  # sorts after the org's six people
    first = text(admin.get("/admin/people"))
    assert "Viser 1–50 av 56" in first
    assert "Zz 043" in first
    assert "Zz 044" not in first
    second = text(admin.get("/admin/people?page=2"))
    assert "Zz 044" in second and "Zz 049" in second
    assert "Nils Sykepleier" not in second
    assert "Side 2 av 2" in second


def test_an_area_admin_sees_and_edits_only_people_in_their_area(app, client, org, area_admin):
    client.sign_in(area_admin)
    page = text(client.get("/admin/people"))
    assert "Nils Sykepleier" in page
    assert "Ole Barnehage" not in page
    assert client.get(f"/admin/people/{org.outsider.id}").status_code == 403
    response = client.submit(
        f"/admin/people/{org.outsider.id}", {"name": "Endret", "email": "ole@testvik.no", "active": "y"}
    )
    assert response.status_code == 403
    assert person_with(app, "ole@testvik.no").name == "Ole Barnehage"
    assert client.get("/admin/people/999999").status_code in (403, 404)


def test_admin_creates_a_person_with_a_first_role_and_password(app, admin, make_client, org):
    response = admin.submit(
        "/admin/people/new",
        {
            "name": "Kari Nordmann",
            "email": "Kari@Testvik.no",
            "phone": "+47 912 34 567",
            "job_title": "vernepleier",
            "unit": org.zone.id,
            "role": "facilitator",
            "password": "et-langt-passord",
        },
    )
    assert response.status_code == 302
    kari = person_with(app, "kari@testvik.no")
    assert (kari.name, kari.phone, kari.job_title) == ("Kari Nordmann", "+4791234567", "vernepleier")
    assert roles_of(app, kari.id) == {("Hjemmesykepleien sone Nord", "facilitator")}
    assert make_client().sign_in(kari, "et-langt-passord").status_code == 302


def test_a_new_person_with_a_taken_email_is_a_form_error(app, admin, org):
    response = admin.submit(
        "/admin/people/new",
        {
            "name": "Nils To",
            "email": "NILS@testvik.no",
            "job_title": "",
            "unit": org.ward.id,
            "role": "staff",
        },
    )
    assert response.status_code == 422
    assert "Det finnes allerede en person med denne e-postadressen." in text(response)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(Person).filter_by(name="Nils To"))
            == 0
        )


def test_a_new_person_needs_a_unit_among_the_admins(app, client, org, area_admin):
    client.sign_in(area_admin)
    response = client.submit(
        "/admin/people/new",
        {
            "name": "Per",
            "email": "per@testvik.no",
            "job_title": "",
            "unit": org.other_unit.id,
            "role": "staff",
        },
    )
    assert response.status_code == 422
    assert person_with(app, "per@testvik.no") is None


def test_admin_edits_a_person(app, admin, org):
    form = text(admin.get(f"/admin/people/{org.nurse.id}"))
    assert 'value="nils@testvik.no"' in form
    response = admin.submit(
        f"/admin/people/{org.nurse.id}",
        {
            "name": "Nils Nilsen",
            "email": "nils.nilsen@testvik.no",
            "phone": "98765432",
            "job_title": "spesialsykepleier",
            "active": "y",
        },
    )
    assert response.status_code == 302
    nils = person_with(app, "nils.nilsen@testvik.no")
    assert (nils.id, nils.name, nils.phone, nils.job_title, nils.active) == (
        org.nurse.id,
        "Nils Nilsen",
        "+4798765432",
        "spesialsykepleier",
        True,
    )


def test_editing_onto_a_taken_email_is_a_form_error(app, admin, org):
    response = admin.submit(
        f"/admin/people/{org.nurse.id}",
        {"name": "Nils", "email": "aisha@testvik.no", "job_title": "", "active": "y"},
    )
    assert response.status_code == 422
    assert "Det finnes allerede en person med denne e-postadressen." in text(response)
    assert person_with(app, "nils@testvik.no").name == "Nils Sykepleier"


def test_deactivating_a_person_ends_their_sessions(app, admin, make_client, org):
    nurse = make_client()
    nurse.sign_in(org.nurse)
    assert nurse.get("/").status_code == 200
    response = admin.submit(
        f"/admin/people/{org.nurse.id}",
        {"name": "Nils Sykepleier", "email": "nils@testvik.no", "job_title": ""},
    )
    assert response.status_code == 302
    assert person_with(app, "nils@testvik.no").active is False
    assert nurse.get("/").status_code == 302
    assert make_client().sign_in(org.nurse).status_code == 401
    assert "Inaktiv" in text(admin.get("/admin/people"))


def test_an_admin_cannot_deactivate_themselves(app, admin, org):
    response = admin.submit(
        f"/admin/people/{org.admin.id}",
        {"name": "Ada Admin", "email": "admin@testvik.no", "job_title": ""},
    )
    assert response.status_code == 422
    assert "Du kan ikke deaktivere deg selv." in text(response)
    assert person_with(app, "admin@testvik.no").active is True


# Roles -----------------------------------------------------------------------------------------------


def test_admin_gives_and_removes_a_role(app, admin, org):
    response = admin.submit(
        f"/admin/people/{org.nurse.id}/roles", {"unit": org.zone.id, "role": "manager"}
    )
    assert response.status_code == 302
    assert roles_of(app, org.nurse.id) == {
        ("Sjøgløtt sykehjem, 2. etasje", "staff"),
        ("Hjemmesykepleien sone Nord", "manager"),
    }
    page = text(admin.get(f"/admin/people/{org.nurse.id}"))
    assert "Leder, Hjemmesykepleien sone Nord" in page

    again = admin.submit(
        f"/admin/people/{org.nurse.id}/roles",
        {"unit": org.zone.id, "role": "manager"},
        follow_redirects=True,
    )
    assert "Nils Sykepleier har allerede denne rollen." in text(again)
    assert len(roles_of(app, org.nurse.id)) == 2

    with app.app_context():
        assignment_id = db.session.scalar(
            sa.select(RoleAssignment.id).filter_by(person_id=org.nurse.id, role=Role.MANAGER)
        )
    assert f"/admin/people/{org.nurse.id}/roles/{assignment_id}/remove" in page
    response = admin.submit(f"/admin/people/{org.nurse.id}/roles/{assignment_id}/remove")
    assert response.status_code == 302
    assert roles_of(app, org.nurse.id) == {("Sjøgløtt sykehjem, 2. etasje", "staff")}


def test_the_last_role_cannot_be_removed(app, admin, org):
    with app.app_context():
        assignment_id = db.session.scalar(sa.select(RoleAssignment.id).filter_by(person_id=org.nurse.id))
    response = admin.submit(
        f"/admin/people/{org.nurse.id}/roles/{assignment_id}/remove", follow_redirects=True
    )
    assert "En person må ha minst én rolle. Gjør personen inaktiv i stedet." in text(response)
    assert len(roles_of(app, org.nurse.id)) == 1


def test_removing_a_role_needs_the_confirm_form_token(admin, org):
    with admin.application.app_context():
        assignment_id = db.session.scalar(sa.select(RoleAssignment.id).filter_by(person_id=org.nurse.id))
    response = admin.post(f"/admin/people/{org.nurse.id}/roles/{assignment_id}/remove")
    assert response.status_code == 400


def test_an_area_admin_gives_and_removes_roles_only_in_their_area(app, client, org, area_admin):
    with app.app_context():
        grant_role(db.session.merge(org.nurse), db.session.merge(org.other_unit), Role.STAFF)
        outside_id = db.session.scalar(
            sa.select(RoleAssignment.id).filter_by(person_id=org.nurse.id, unit_id=org.other_unit.id)
        )
        db.session.commit()
    client.sign_in(area_admin)
    page = text(client.get(f"/admin/people/{org.nurse.id}"))
    assert "Bakken barnehage" not in page
    assert "Har også 1 rolle i enheter du ikke administrerer." in page

    response = client.submit(
        f"/admin/people/{org.nurse.id}/roles", {"unit": org.other_unit.id, "role": "manager"}
    )
    assert response.status_code == 422
    response = client.submit(f"/admin/people/{org.nurse.id}/roles/{outside_id}/remove")
    assert response.status_code == 403
    assert ("Bakken barnehage", "staff") in roles_of(app, org.nurse.id)
    assert ("Bakken barnehage", "manager") not in roles_of(app, org.nurse.id)


def test_a_role_of_another_person_cannot_be_removed_through_this_person(app, admin, org):
    with app.app_context():
        other = db.session.scalar(sa.select(RoleAssignment.id).filter_by(person_id=org.assistant.id))
    response = admin.submit(f"/admin/people/{org.nurse.id}/roles/{other}/remove")
    assert response.status_code == 404
    assert len(roles_of(app, org.assistant.id)) == 1


def test_new_unit_under_preselects_the_parent_but_only_among_the_admins(client, org, area_admin):
    client.sign_in(area_admin)
    form = text(client.get(f"/admin/units/new?parent={org.ward.id}"))
    assert re.search(rf'<option selected value="{org.ward.id}">\W*Sjøgløtt', form)
    form = text(client.get(f"/admin/units/new?parent={org.other_unit.id}"))
    assert "Bakken barnehage" not in form


def test_a_person_without_any_role_is_managed_by_an_admin_of_a_top_unit_only(
    app, client, make_client, org, area_admin
):
    """The HR sync can make a person before any unit is given: a top admin must still reach them
    (to edit or delete them); nobody lower down can."""
    with app.app_context():
        person = create_person("Uten Enhet", email="uten.enhet@testvik.no")
        db.session.commit()
        person_id = person.id
    client.sign_in(org.admin)
    assert "Uten Enhet" in client.get(f"/admin/people/{person_id}").get_data(as_text=True)
    assert client.get(f"/admin/people/{person_id}/delete").status_code == 200
    for other in (area_admin, org.manager):
        lower = make_client()
        lower.sign_in(other)
        assert lower.get(f"/admin/people/{person_id}").status_code == 403
        assert lower.get(f"/admin/people/{person_id}/delete").status_code == 403


def test_removing_a_role_again_leads_back_to_the_person_and_changes_nothing(
    app, make_client, org, area_admin
):
    with app.app_context():
        grant_role(db.session.merge(org.nurse), db.session.merge(org.zone), Role.MANAGER)
        grant_role(db.session.merge(org.nurse), db.session.merge(org.other_unit), Role.STAFF)
        zone_role, outside_role = (
            db.session.scalar(
                sa.select(RoleAssignment.id).filter_by(person_id=org.nurse.id, unit_id=unit_id)
            )
            for unit_id in (org.zone.id, org.other_unit.id)
        )
        db.session.commit()
    admin = make_client()
    admin.sign_in(org.admin)
    url = f"/admin/people/{org.nurse.id}/roles/{{}}/remove"
    for assignment_id in (zone_role, outside_role):
        assert admin.submit(url.format(assignment_id)).status_code == 302
    again = admin.submit(url.format(zone_role))
    assert (again.status_code, again.location) == (303, f"/admin/people/{org.nurse.id}")
    assert "Rollen er allerede fjernet." in text(admin.get(f"/admin/people/{org.nurse.id}"))
    assert roles_of(app, org.nurse.id) == {("Sjøgløtt sykehjem, 2. etasje", "staff")}
    assert admin.submit(url.format(999999)).status_code == 404, "never existed"

    area = make_client()
    area.sign_in(area_admin)
    assert area.submit(url.format(zone_role)).status_code == 303, "the zone is in the area"
    assert area.submit(url.format(outside_role)).status_code == 404, "as if it never existed"
    assert area.submit(url.format(999999)).status_code == 404
    manager = make_client()
    manager.sign_in(org.manager)
    assert manager.submit(url.format(zone_role)).status_code == 403
