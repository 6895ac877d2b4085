"""A unit's manager makes and edits an introduction programme on the phone-first form."""

from __future__ import annotations

import sqlalchemy as sa

from lms.extensions import db
from lms.introduction.models import DueRule, ItemKind, Programme, ProgrammeItem
from lms.organisation.models import Role
from tests.conftest import add_person


def zone_manager(app, org):
    with app.app_context():
        manager = add_person("Hanne Leder", "hanne@testvik.no", db.session.merge(org.zone), Role.MANAGER)
        db.session.commit()
        return manager


def test_a_manager_makes_a_programme_with_a_practical_item_and_a_module(
    app, client, org, fixture_module
):
    client.sign_in(zone_manager(app, org))
    unit = org.zone.id
    response = client.submit(
        f"/units/{unit}/introduction",
        data={"title": "Ny i hjemmesykepleien, helsefagarbeider", "job_title": "helsefagarbeider"},
    )
    assert response.status_code == 302
    with app.app_context():
        programme = db.session.scalar(sa.select(Programme))
        assert (programme.unit_id, programme.job_title) == (unit, "helsefagarbeider")
    url = f"/units/{unit}/introduction/{programme.id}"
    practical = {"kind": "sign_off", "title": "Medisinrommet", "due_rule": "shift", "due_count": "3"}
    assert client.submit(f"{url}/items", data=practical).status_code == 302
    module = {"kind": "module", "module": fixture_module, "due_rule": "days", "due_count": "14"}
    assert client.submit(f"{url}/items", data=module).status_code == 302
    page = client.get(url).text
    assert "innen 3. vakt" in page and "innen 14 dager" in page
    with app.app_context():
        items = db.session.scalars(sa.select(ProgrammeItem).order_by(ProgrammeItem.position)).all()
        assert [(i.kind, i.title, i.due_rule, i.due_count) for i in items] == [
            (ItemKind.SIGN_OFF, "Medisinrommet", DueRule.SHIFT, 3),
            (ItemKind.MODULE, items[1].title, DueRule.DAYS, 14),
        ]
        assert items[1].module_id == fixture_module and items[1].title
    remove = f"{url}/items/{items[0].id}/remove"
    assert client.submit(remove).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeItem)) == 1


def test_bad_input_is_named_and_changes_nothing(app, client, org):
    client.sign_in(zone_manager(app, org))
    unit = org.zone.id
    response = client.submit(f"/units/{unit}/introduction", data={"title": " ", "job_title": ""})
    assert response.status_code == 422
    assert "Skriv et navn." in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(Programme)) is None
    client.submit(f"/units/{unit}/introduction", data={"title": "Ny", "job_title": ""})
    with app.app_context():
        programme_id = db.session.scalar(sa.select(Programme.id))
    url = f"/units/{unit}/introduction/{programme_id}/items"
    for data, message in (
        (
            {"kind": "sign_off", "title": "", "due_rule": "days", "due_count": "3"},
            "Skriv hva som skal vises",
        ),
        ({"kind": "module", "module": "", "due_rule": "days", "due_count": "3"}, "Velg en modul."),
        ({"kind": "sign_off", "title": "EPJ", "due_rule": "days", "due_count": "0"}, "fra 1 til 365"),
    ):
        response = client.submit(url, data=data)
        assert response.status_code == 422
        assert message in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(ProgrammeItem)) is None


def test_the_form_needs_its_csrf_token(app, client, org):
    client.sign_in(zone_manager(app, org))
    response = client.post(f"/units/{org.zone.id}/introduction", data={"title": "Ny"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(Programme)) is None


def test_removing_an_item_again_leads_back_to_the_programme_and_changes_nothing(app, make_client, org):
    from lms.audit.models import AuditEntry
    from tests.introduction.conftest import make_programme

    with app.app_context():
        programme = make_programme(org)
        first, second = (item.id for item in programme.items)
        db.session.commit()
        programme_id = programme.id
    manager = make_client()
    manager.sign_in(zone_manager(app, org))
    url = f"/units/{org.zone.id}/introduction/{programme_id}"
    assert manager.submit(f"{url}/items/{first}/remove").status_code == 302
    again = manager.submit(f"{url}/items/{first}/remove")
    assert (again.status_code, again.location) == (303, url)
    page = manager.get(url).text
    assert "Punktet er allerede fjernet fra programmet." in page and "Alarmsystemet" in page
    with app.app_context():
        assert db.session.scalars(sa.select(ProgrammeItem.id)).all() == [second]
        (entry,) = db.session.scalars(sa.select(AuditEntry).filter_by(action="introduction.item_remove"))
        assert (entry.subject_id, entry.details) == (
            str(first),
            {"unit_id": org.zone.id, "programme_id": programme_id},
        )
    assert manager.submit(f"{url}/items/999999/remove").status_code == 404, "never existed"

    ward_manager = make_client()
    ward_manager.sign_in(org.manager)
    assert ward_manager.submit(f"{url}/items/{first}/remove").status_code == 403
    through_own_unit = f"/units/{org.ward.id}/introduction/{programme_id}/items/{first}/remove"
    assert ward_manager.submit(through_own_unit).status_code == 404
    assert "allerede fjernet" not in ward_manager.get("/").text
    with app.app_context():
        ward_programme = make_programme(org)
        ward_programme.unit_id = org.ward.id
        db.session.commit()
        ward_url = f"/units/{org.ward.id}/introduction/{ward_programme.id}"
    assert ward_manager.submit(f"{ward_url}/items/{first}/remove").status_code == 404
