"""What a person does in the browser, for the browser tests (fixtures are in conftest.py)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page

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
