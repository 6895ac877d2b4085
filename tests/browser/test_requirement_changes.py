"""A manager changes a competence requirement on a phone (a wrong level is named and fixed), then
removes it after reading what goes with it; each page passes axe at 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.competence import services as competence
from lms.extensions import db
from lms.organisation.models import Role, Unit, UnitKind
from lms.organisation.services import create_unit
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.conftest import add_person

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def unit_with_requirement(live_server):
    with live_server.app.app_context():
        competence.load_shipped()
        area = db.session.get(Unit, live_server.org.area.id)
        unit = create_unit("Solsiden omsorgsbolig", UnitKind.UNIT, area)
        manager = add_person("Siri Solsiden", "siri@testvik.no", unit, Role.MANAGER, "leder")
        add_person("Per Pleier", "per@solsiden.no", unit, Role.STAFF, "helsefagarbeider")
        code = competence.competences_by_code(["DHK-2"])["DHK-2"]
        competence.add_requirement(code, unit, 2, validity_months=12, renewal_days=60)
        db.session.commit()
        made = {"unit_id": unit.id, "manager_email": manager.email}
        db.session.remove()
    return made


def test_a_manager_changes_and_removes_a_requirement(page, unit_with_requirement):
    sign_in(page, unit_with_requirement["manager_email"])
    page.goto(f"/reports/units/{unit_with_requirement['unit_id']}/requirements")
    page.get_by_role("link", name="Endre DHK-2, Solsiden omsorgsbolig").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Endre krav")
    assert_accessible(page)

    page.get_by_label("Minste nivå").fill("7")
    page.get_by_role("button", name="Lagre endringene").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Minste nivå: Velg et nivå fra 1 til 3.")
    assert_accessible(page)
    page.get_by_label("Minste nivå").fill("3")
    page.get_by_label("Gyldighet i måneder").fill("24")
    page.get_by_role("button", name="Lagre endringene").click()
    expect(page.get_by_text("Kravet er endret.")).to_be_visible()
    expect(page.get_by_role("row", name="DHK-2")).to_contain_text("24 måneder")

    page.get_by_role("link", name="Fjern DHK-2, Solsiden omsorgsbolig").click()
    expect(page.get_by_text("Statusen på kravet for 2 personer forsvinner")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Fjern kravet").click()
    expect(page.get_by_text("Kravet er fjernet.")).to_be_visible()
    expect(page.get_by_text("Ingen krav ennå.")).to_be_visible()

    page.go_back()  # to the confirmation page, which the browser asks for again
    expect(page).to_have_url(f"/reports/units/{unit_with_requirement['unit_id']}/requirements")
    expect(page.get_by_text("Kravet er allerede fjernet.")).to_be_visible()
    expect(page.get_by_text("Ingen krav ennå.")).to_be_visible()
    assert_accessible(page)
