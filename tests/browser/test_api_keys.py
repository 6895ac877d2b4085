"""An admin makes an API key on a phone: the key is shown once, the page is accessible."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_admin_makes_an_api_key_that_works_and_revokes_it(page: Page, live_server):
    sign_in(page, live_server.org.admin.email)
    page.goto("/admin/")
    page.get_by_role("link", name="API-nøkler").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-nøkler")
    assert_accessible(page)

    page.get_by_label("Navn").fill("Rapportverktøyet")
    page.get_by_label("reports:read").check()
    page.get_by_role("button", name="Lag nøkkel").click()

    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("Ny nøkkel for Rapportverktøyet")
    key = page.locator("#new-api-key").inner_text()
    assert_accessible(page)
    answer = requests.get(
        f"{live_server.url}/api/v1/units/none/competence",
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert answer.status_code == 404 and answer.json()["error"]["message"]

    page.get_by_role("button", name="Trekk tilbake nøkkelen Rapportverktøyet").click()
    expect(page.get_by_text("API-nøkkelen Rapportverktøyet er trukket tilbake.")).to_be_visible()
    answer = requests.get(
        f"{live_server.url}/api/v1/units/none/competence",
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert answer.status_code == 401
