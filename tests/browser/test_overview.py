"""On a phone (390 px): a service area's leader opens the overview of its units, reads the
figures behind the charts, drills down unit → competence → people, pages through the people;
axe finds nothing on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
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

AREA = "Omsorg vest"
BIG, SMALL = "Vestly bo- og behandlingssenter", "Vestly hjemmetjeneste"


@pytest.fixture(scope="module")
def area(live_server):
    """A service area with a leader and two units: 60 people (every other one with recent
    evidence of DHK-5) and 4 people (none); the area requires DHK-5 at level 2 for 12 months."""
    with live_server.app.app_context():
        competence.load_shipped()
        municipality = db.session.get(Unit, live_server.org.municipality.id)
        made = create_unit(AREA, UnitKind.SERVICE_AREA, municipality)
        big = create_unit(BIG, UnitKind.UNIT, made)
        small = create_unit(SMALL, UnitKind.UNIT, made)
        leader = add_person("Vera Områdeleder", "vera.omrade@testvik.no", made, Role.MANAGER)
        security = competence.competences_by_code(["DHK-5"])["DHK-5"]
        competence.add_requirement(security, made, 2, validity_months=12, renewal_days=60)
        for i in range(60):
            person = add_person(f"Vest {i:02}", f"vest{i:02}@testvik.no", big, Role.STAFF)
            if i % 2 == 0:
                competence.record_evidence(
                    person, security, 2, EvidenceKind.SIGN_OFF, achieved_at=utcnow() - timedelta(days=5)
                )
        for i in range(4):
            add_person(f"Hjem {i}", f"hjem{i}@testvik.no", small, Role.STAFF)
        db.session.commit()
        ids = {"area": made.id, "big": big.id, "leader": leader.email}
        db.session.remove()
    return ids


def test_an_area_leader_drills_down_from_units_to_people_on_a_phone(page: Page, area):
    sign_in(page, area["leader"])
    page.goto(f"/reports/units/{area['area']}/overview")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kompetanse per enhet: {AREA}")
    units = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Enhet"))
    expect(units.get_by_role("row", name=BIG).get_by_role("cell")).to_have_text(
        ["30", "0", "0", "30", "60", "50 %"]
    )
    expect(units.get_by_role("row", name=SMALL).get_by_role("cell")).to_have_text(
        ["0", "0", "0", "4", "4", "0 %"]
    )
    expect(units.get_by_role("row", name=f"{AREA} (direkte)").get_by_role("cell")).to_have_text(
        ["0", "0", "0", "1", "1", "0 %"]
    )  # the leader holds the requirement too
    expect(units.get_by_role("row", name="Alle enheter").get_by_role("cell").last).to_have_text("46 %")
    chart = page.get_by_role("img", name="Andel oppfylte krav per enhet")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    units.get_by_role("link", name=BIG).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kompetanse per enhet: {BIG}")
    page.get_by_role("link", name="DHK-5 Personvern og informasjonssikkerhet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Kompetansematrise: {BIG}")
    expect(page.get_by_text("60 personer × 1 kompetanser")).to_be_visible()
    expect(page.get_by_text("Viser 1–50 av 60")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Neste side").click()
    expect(page.get_by_text("Viser 51–60 av 60")).to_be_visible()
    matrix = page.get_by_role("table", name="Kompetanse mot krav for hver person")
    expect(matrix.get_by_role("rowheader")).to_have_count(10)
    expect(matrix.get_by_role("rowheader").first).to_contain_text("Vest 50")
    assert_accessible(page)

    page.get_by_role("link", name="Vis som liste per person").click()
    expect(page.get_by_text("Viser 51–60 av 60")).to_be_visible()
    expect(page.locator(".person-name").first).to_contain_text("Vest 50")
    assert_accessible(page)


def test_a_unit_manager_cannot_open_the_areas_overview(page: Page, live_server, area):
    sign_in(page, live_server.org.manager.email)
    assert page.goto(f"/reports/units/{area['area']}/overview").status == 403
    assert page.request.get(f"/reports/units/{area['area']}/overview.csv").status == 403
