"""Signing in and out in a phone's browser: with a password, with a wrong one, and with an e-mailed
link."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in_link, sign_out

pytestmark = pytest.mark.browser


def test_sign_in_with_password_greets_the_person_then_sign_out(page: Page, live_server):
    nurse = live_server.org.nurse
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/login?next=%2F")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    assert_accessible(page)

    page.get_by_label("E-post", exact=True).fill(nurse.email)
    page.get_by_label("Passord", exact=True).fill(nurse.password)
    page.get_by_role("button", name="Logg inn", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hei, {nurse.name}")
    expect(page.get_by_role("navigation", name="Hovedmeny")).to_be_visible()
    assert_accessible(page)

    sign_out(page)
    expect(page).to_have_url(f"{live_server.url}/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    expect(page.get_by_role("status")).to_contain_text("Du er logget ut.")
    assert_accessible(page)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")


def test_wrong_password_shows_the_error_at_the_field(page: Page, live_server):
    nurse = live_server.org.nurse
    page.goto("/login")
    page.get_by_label("E-post", exact=True).fill(nurse.email)
    page.get_by_label("Passord", exact=True).fill("feil-passord-999")
    page.get_by_role("button", name="Logg inn", exact=True).click()

    password = page.get_by_label("Passord", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description("Feil e-post eller passord.")
    expect(page.locator(".field-error")).to_contain_text("Feil e-post eller passord.")
    expect(page.get_by_role("alert")).to_contain_text("Skjemaet har feil")
    expect(page.get_by_label("E-post", exact=True)).to_have_value(nurse.email)
    assert_accessible(page)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")


def test_sign_in_with_an_emailed_link(page: Page, live_server):
    nurse = live_server.org.nurse
    page.goto("/login")
    page.get_by_role("link", name="Logg inn med lenke på e-post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn med lenke")
    assert_accessible(page)

    page.get_by_label("E-post", exact=True).fill(nurse.email)
    page.get_by_role("button", name="Send meg en innloggingslenke").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sjekk e-posten din")
    assert_accessible(page)

    mails = live_server.mails(to=nurse.email)
    assert len(mails) == 1
    link = sign_in_link(mails[0].get_content())
    assert link.startswith(f"{live_server.url}/login/link/")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn")
    assert_accessible(page)
    page.get_by_role("button", name="Logg inn nå").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hei, {nurse.name}")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lenken virker ikke")
    assert_accessible(page)
