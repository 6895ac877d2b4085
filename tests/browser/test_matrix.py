"""A manager's competence matrix for a 40-person unit on a laptop and a phone: filters, the XLSX
export read back with openpyxl, axe, and another unit's manager refused."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from lms.competence import services as competence
from lms.competence.models import EvidenceKind
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Role, Unit, UnitKind
from lms.organisation.services import create_unit
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.conftest import add_person

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}
UNIT = "Fjellro bofellesskap"
AGES = (30, 330, 500, None)
"""Evidence age in days for staff member i % 4: met, due for renewal, expired, missing."""


@pytest.fixture(scope="module")
def big_unit(live_server):
    """A unit with a manager and 39 staff; DHK-5 is required at level 2 for 12 months."""
    with live_server.app.app_context():
        competence.load_shipped()
        area = db.session.get(Unit, live_server.org.area.id)
        unit = create_unit(UNIT, UnitKind.UNIT, area)
        manager = add_person("Marit Matriseleder", "marit@testvik.no", unit, Role.MANAGER, "leder")
        security = competence.competences_by_code(["DHK-5"])["DHK-5"]
        competence.add_requirement(security, unit, 2, validity_months=12, renewal_days=60)
        now = utcnow()
        for i in range(39):
            person = add_person(
                f"Person {i:02}", f"person{i:02}@fjellro.no", unit, Role.STAFF, "helsefagarbeider"
            )
            age = AGES[i % 4]
            if age is not None:
                competence.record_evidence(
                    person, security, 2, EvidenceKind.SIGN_OFF, achieved_at=now - timedelta(days=age)
                )
        db.session.commit()
        made = {"unit_id": unit.id, "manager_email": manager.email}
        db.session.remove()
    return made


def test_a_manager_sees_filters_and_exports_the_matrix_of_a_40_person_unit(
    make_context, live_server, big_unit
):
    page = make_context(**LAPTOP).new_page()
    sign_in(page, big_unit["manager_email"])
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UNIT)
    page.get_by_role("link", name="Kompetansematrise", exact=True).click()

    matrix = page.get_by_role("table", name="Kompetanse mot krav for hver person")
    expect(matrix.get_by_role("row")).to_have_count(41)
    expect(page.get_by_text("40 personer × 1 kompetanser")).to_be_visible()
    expect(matrix.get_by_role("columnheader")).to_have_text(
        ["Navn", "DHK-5 Personvern og informasjonssikkerhet"]
    )
    person_01 = matrix.get_by_role("row", name="Person 01")
    expect(person_01.get_by_role("cell")).to_contain_text("Utløper snart")
    expect(matrix.locator(".cell-renewal_due")).to_have_count(10)
    assert_accessible(page)

    page.get_by_label("Status").select_option(label="Utløpt")
    page.get_by_role("button", name="Filtrer").click()
    expect(matrix.get_by_role("row")).to_have_count(11)
    expect(matrix.get_by_role("cell", name="Utløpt")).to_have_count(10)
    expect(page.get_by_text("10 personer × 1 kompetanser")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned Excel (XLSX)").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book["Kompetanse"].iter_rows(values_only=True))
    assert rows[0] == ("Navn", "Stilling", "DHK-5 Personvern og informasjonssikkerhet")
    assert len(rows) == 11
    assert {r[2] for r in rows[1:]} == {"Utløpt (nivå 2 av 2)"}
    page_names = matrix.get_by_role("rowheader").all_inner_texts()
    assert [r[0] for r in rows[1:]] == [
        name.split("\n")[0].replace(" Helsefagarbeider", "").strip() for name in page_names
    ]
    summary = [list(r) for r in book["Oppsummering"].iter_rows(values_only=True)]
    assert summary == [
        ["Kompetanse", "Oppfylt", "Utløper snart", "Utløpt", "Mangler"],
        ["DHK-5 Personvern og informasjonssikkerhet", 0, 0, 10, 0],
    ]


def test_on_a_phone_the_matrix_is_a_list_per_person(page: Page, live_server, big_unit):
    sign_in(page, big_unit["manager_email"])
    page.goto(f"/reports/units/{big_unit['unit_id']}/matrix")
    page.get_by_role("link", name="Vis som liste per person").click()
    people = page.get_by_role("list").filter(has=page.get_by_role("heading", name="Person 00"))
    expect(people.get_by_role("heading", level=2)).to_have_count(40)
    expect(page.get_by_role("heading", name="Person 02").locator("xpath=..")).to_contain_text("Utløpt")
    assert_accessible(page)


def test_a_manager_of_another_unit_gets_403(page: Page, live_server, big_unit):
    sign_in(page, live_server.org.manager.email)
    response = page.goto(f"/reports/units/{big_unit['unit_id']}/matrix")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    assert page.request.get(f"/reports/units/{big_unit['unit_id']}/matrix.xlsx").status == 403
