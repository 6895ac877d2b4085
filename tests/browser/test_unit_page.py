"""A manager's unit page in a phone's browser, and the same page refused to a staff member."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_manager_sees_their_unit_with_its_people(page: Page, live_server):
    org = live_server.org
    sign_in(page, org.manager.email)
    page.get_by_role("link", name=org.ward.name).click()

    expect(page).to_have_url(f"{live_server.url}/units/{org.ward.id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(org.ward.name)
    people = page.get_by_role("region", name="Personer").get_by_role("table")
    expect(people.get_by_role("columnheader")).to_have_text(["Navn", "Stilling", "Roller"])
    expect(people.get_by_role("link", name=org.nurse.name)).to_be_visible()
    expect(people.get_by_role("link", name=org.manager.name)).to_be_visible()
    expect(people.get_by_role("link", name=org.assistant.name)).to_have_count(0)
    assert_accessible(page)


def test_staff_member_gets_no_access_to_the_unit_page(page: Page, live_server):
    org = live_server.org
    sign_in(page, org.nurse.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hei, {org.nurse.name}")

    response = page.goto(f"/units/{org.ward.id}")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
    expect(page.get_by_text("Du har ikke tilgang til denne siden.")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    assert_accessible(page)
