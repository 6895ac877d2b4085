"""The player's script is kept on the phone with the module: a card page opened again without
network runs the player from the copies the service worker keeps when it installs (the script is an
ES module in parts, and every part is needed)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in
from tests.browser.test_player import new_staff_member, press, progress, start_module

pytestmark = pytest.mark.browser

FORGET_THE_WORKER = """async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration.unregister();
    for (const name of await caches.keys()) {
        if (name.startsWith("lv-assets-")) await caches.delete(name);
    }
}"""
"""Without its worker and the assets it kept, a page that loads next is not the worker's to answer
(so nothing it loads is kept on the way), and its player installs the worker anew."""


def test_a_card_page_opened_again_without_network_still_runs_the_player(page: Page, live_server):
    sign_in(page, new_staff_member(live_server, "Åse Ådalen"))
    attempt_id = start_module(page)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", str(attempt_id))
    press(page, "Neste")
    progress(page, 2)
    # only what the worker keeps when it installs, not its copies of what pages fetched through it
    page.evaluate(FORGET_THE_WORKER)
    page.reload()
    progress(page, 2)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", str(attempt_id))

    page.context.set_offline(True)
    try:
        page.reload()
        progress(page, 2)  # the kept page
        expect(page.get_by_role("img", name="Et lite blått kvadrat")).to_be_visible()
        press(page, "Neste")  # a form post without network: only the player, run from the kept script
        progress(page, 3)
        expect(page.get_by_text("Hva gjør du når du går fra en delt PC?")).to_be_visible()
    finally:
        page.context.set_offline(False)
