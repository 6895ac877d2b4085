"""Issue 19 on a phone: a manager opens the unit's competence plan from the menu and finds the gaps
filled in, adds a measure with an owner, marks it done and downloads the plan as a Word document;
sends a needs survey that a member of staff answers. Each page passes axe at 390 px."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from lms.competence import services as competence
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Role, Unit, UnitKind
from lms.organisation.services import create_unit
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.conftest import add_person
from tests.support.frameworks import import_test_framework

pytestmark = pytest.mark.browser

MEASURE = "Kurs i legemiddelhåndtering"


@pytest.fixture(scope="module")
def unit(live_server):
    """A unit of its own with a manager, a nurse and a requirement both of them miss."""
    with live_server.app.app_context():
        area = db.session.get(Unit, live_server.org.area.id)
        made = create_unit("Sone Plan", UnitKind.UNIT, area)
        manager = add_person("Per Planlegger", "per@testvik.no", made, Role.MANAGER, "leder")
        nurse = add_person("Siri Sykepleier", "siri.plan@testvik.no", made, Role.STAFF, "sykepleier")
        competence.add_requirement(import_test_framework("PLAN"), made, 1)
        db.session.commit()
        found = {"unit_id": made.id, "manager": manager.email, "nurse": nurse.email}
        found["today"] = local_today()
        db.session.remove()
    return found


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_manager_plans_a_measure_marks_it_done_and_exports_the_plan(page: Page, unit):
    sign_in(page, unit["manager"])
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Kompetanseplan").click()
    year = unit["today"].year
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kompetanseplan {year}: Sone Plan")
    gap = page.locator('tr[data-need="Testkompetanse"]')
    expect(gap).to_contain_text("Gapanalyse")
    expect(gap.locator("td").nth(1)).to_have_text("2")
    assert_accessible(page)

    page.get_by_role("textbox", name="Tiltak").fill(MEASURE)
    page.get_by_label("Type").select_option(label="Eksternt kurs")
    page.get_by_label("Ansvarlig").select_option(label="Siri Sykepleier")
    page.get_by_label("Frist").fill((unit["today"] + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Legg til tiltaket").click()
    expect(page.get_by_text("Tiltaket er lagt til.")).to_be_visible()
    measure = page.locator(f'[data-measure="{MEASURE}"]')
    expect(measure).to_contain_text("Ansvarlig: Siri Sykepleier")

    page.get_by_label(f"Status for «{MEASURE}»").select_option(label="Fullført")
    page.get_by_role("button", name="Lagre status").click()
    expect(page.get_by_text(f"«{MEASURE}» er nå Fullført.")).to_be_visible()
    expect(page.get_by_label(f"Status for «{MEASURE}»")).to_have_value("done")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned planen (Word)").click()
    received = download.value
    assert received.suggested_filename == f"kompetanseplan-sone-plan-{year}.docx"
    data = received.path().read_bytes()
    assert data
    text = _docx_text(data)
    assert MEASURE in text and "Fullført" in text and "Testkompetanse" in text


def test_a_survey_sent_by_the_manager_is_answered_on_the_phone(make_context, unit):
    manager = make_context().new_page()
    sign_in(manager, unit["manager"])
    manager.goto(f"/planning/units/{unit['unit_id']}/surveys")
    assert_accessible(manager)
    manager.get_by_label("Tittel").fill("Digitale verktøy i sonen")
    manager.get_by_label("Systemer dere bruker i arbeidet").fill("Gerica\nMedisinrom")
    manager.get_by_label("Svarfrist").fill((unit["today"] + timedelta(days=14)).isoformat())
    manager.get_by_role("button", name="Send kartleggingen").click()
    expect(manager.get_by_text("Kartleggingen er sendt til Sone Plan.")).to_be_visible()
    assert_accessible(manager)

    nurse = make_context().new_page()
    sign_in(nurse, unit["nurse"])
    nurse.get_by_role("link", name="Digitale verktøy i sonen").click()
    expect(nurse.get_by_role("heading", level=1)).to_have_text("Digitale verktøy i sonen")
    assert_accessible(nurse)
    nurse.get_by_role("group", name="Hvor trygg er du på Gerica?").get_by_label("Litt usikker").check()
    nurse.get_by_label("Korte moduler på mobilen").check()
    nurse.get_by_role("button", name="Send svaret").click()
    expect(nurse.get_by_text("Takk for svaret!")).to_be_visible()
    assert_accessible(nurse)

    manager.get_by_role("link", name="Digitale verktøy i sonen").click()
    expect(manager.get_by_text("Resultatene vises når minst 5 har svart")).to_be_visible()
    assert_accessible(manager)
