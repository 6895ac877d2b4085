"""The shipped Sveve plugin's admin page (plugins/lms-sms-sveve) on a phone: it passes axe at 390 px
before and after a number the form refuses, which it names at the field."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE, TIMEOUT_MS, serving
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def plugin_server(tmp_path_factory, fast_password_hashing):
    settings = {"PLUGINS": "sms-sveve", "SMS_GATEWAY": "sveve", "SVEVE_URL": "http://127.0.0.1:9"}
    with serving(tmp_path_factory.mktemp("sms-sveve"), "sms_sveve", settings) as server:
        yield server


def test_the_status_page_is_accessible_and_names_a_bad_number(browser: Browser, plugin_server):
    context = browser.new_context(**{**PHONE, "base_url": plugin_server.url})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, plugin_server.org.admin.email)
    page.goto("/admin/sms-sveve/")
    expect(page.get_by_role("heading", level=1)).to_have_text("SMS gjennom Sveve")
    assert_accessible(page)

    page.get_by_label("Mobilnummer").fill("12345")
    page.get_by_role("button", name="Send test-SMS").click()
    expect(page.locator("#phone-error")).to_have_text("«12345» er ikke et gyldig mobilnummer.")
    assert_accessible(page)
    context.close()
