"""The privacy and accessibility statements, Mine data and the delete confirmation in a phone's
browser, checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("link", "heading"),
    [
        ("Personvern", "Personvern i Lærevakt"),
        ("Tilgjengelighetserklæring", "Tilgjengelighetserklæring for Lærevakt"),
    ],
)
def test_the_statements_are_linked_from_every_pages_footer(page: Page, live_server, link, heading):
    page.goto("/login")
    page.get_by_role("contentinfo").get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


@pytest.mark.parametrize(
    ("path", "heading", "sentence"),
    [
        ("/personvern", "Privacy in Lærevakt", "Your manager never sees your answers"),
        ("/tilgjengelighet", "Accessibility statement for Lærevakt", "WCAG 2.1 level AA"),
    ],
)
def test_the_statements_in_english(make_context, live_server, path, heading, sentence):
    page = make_context(locale="en-GB").new_page()
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text(sentence)).to_be_visible()
    assert_accessible(page)


def test_mine_data_from_my_account(page: Page, live_server):
    org = live_server.org
    sign_in(page, org.nurse.email)
    page.goto("/account")
    page.get_by_role("link", name="Mine data: se og last ned alt vi lagrer om deg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine data")
    expect(page.get_by_role("link", name="Last ned alt som JSON-fil")).to_be_visible()
    profile = page.get_by_role("region", name="Opplysninger om deg")
    profile.get_by_text("Vis opplysninger om deg").click()
    expect(profile.get_by_text(org.nurse.email)).to_be_visible()
    assert_accessible(page)


def test_the_delete_confirmation_names_the_consequences(page: Page, live_server):
    org = live_server.org
    sign_in(page, org.admin.email)
    page.goto(f"/admin/people/{org.nurse.id}")
    page.get_by_role("link", name=f"Slett {org.nurse.name} …").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Slett {org.nurse.name}")
    expect(page.get_by_text("Sletting kan ikke angres.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Slett {org.nurse.name} for godt")).to_be_visible()
    assert_accessible(page)
