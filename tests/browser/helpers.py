"""What a person does in the browser, for the browser tests (fixtures are in conftest.py)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

SIGN_IN_LINK = re.compile(r"https?://\S+/login/link/[\w-]+")
SIGNED_OUT = re.compile(r"/login$")


def _off_the_sign_in_page(url: str) -> bool:
    return urlsplit(url).path != "/login"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in from the login page as a person would: fill the labelled fields, press the button, and
    wait until the page it leads to has loaded (so that a ``goto`` right after cannot abort it)."""
    page.goto("/login")
    page.get_by_label("E-post", exact=True).fill(email)
    page.get_by_label("Passord", exact=True).fill(password)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.wait_for_url(_off_the_sign_in_page)


def sign_out(page: Page) -> None:
    """Press the footer's sign-out button and wait until the sign-in page it leads to has loaded (a
    bare ``wait_for_load_state`` can return before the navigation starts, and a ``goto`` right after
    then aborts it)."""
    page.get_by_role("contentinfo").get_by_role("button", name="Logg ut", exact=True).click()
    page.wait_for_url(SIGNED_OUT)


def sign_in_link(mail_body: str) -> str:
    found = SIGN_IN_LINK.search(mail_body)
    assert found, f"no sign-in link in the mail:\n{mail_body}"
    return found.group(0)


def start_group_run(screen: Page, facilitator_email: str, unit_name: str, module_id: str) -> str:
    """Sign in as the facilitator, start a group run of ``module_id`` for the unit called
    ``unit_name``, and return the join code the shared screen shows."""
    sign_in(screen, facilitator_email)
    screen.goto("/groups")
    screen.get_by_label("Modul").select_option(value=module_id)
    screen.get_by_label("Gruppe", exact=True).select_option(label=unit_name)
    screen.get_by_role("button", name="Start gruppeøkt").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Kort 1 av \d+$"))
    return screen.locator(".group-code [aria-hidden=true]").inner_text().strip()


def join_group_run(phone: Page, email: str, code: str) -> Page:
    """Sign in on ``phone`` and join the run by typing its code; the phone shows the room's card."""
    sign_in(phone, email)
    phone.goto("/join")
    phone.get_by_label("Kode").fill(code)
    phone.get_by_role("button", name="Bli med").click()
    expect(phone.locator("[data-group-heading]")).to_contain_text(re.compile(r"^Kort \d+ av"))
    return phone
