"""The player on a phone on a slow line: cards come from the module's bundle on the phone, so moving
on waits for no request; answers go to the server in the background and its feedback follows; a
failed attempt ends on an honest done page that offers another go."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, Request, expect

from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Person
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.browser.test_player import (
    ANSWERED,
    MODULE,
    answer_card,
    attempt_state,
    new_staff_member,
    press,
    progress,
    start_module,
)

pytestmark = pytest.mark.browser

SLOW_4G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 1_500_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
"""Chromium's network emulation: a rural 4G line, 400 ms each way before a byte moves."""


def slow_down(page: Page) -> None:
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", SLOW_4G)


class Requests:
    """The page's requests, to see which were made between a tap and the card shown."""

    def __init__(self, page: Page) -> None:
        self.seen: list[Request] = []
        page.on("request", lambda request: self.seen.append(request))

    def mark(self) -> int:
        return len(self.seen)

    def waited_for_since(self, mark: int) -> list[str]:
        """Requests since ``mark`` that a new card could be waiting for: a navigation, or a GET of a
        page or the bundle (the answers and progress posted in the background are not)."""
        return [
            f"{r.method} {r.url}"
            for r in self.seen[mark:]
            if r.is_navigation_request() or (r.method == "GET" and r.resource_type in ("fetch", "xhr"))
        ]


def test_a_whole_module_on_a_slow_line_moves_on_without_waiting_for_the_network(page: Page, live_server):
    sign_in(page, new_staff_member(live_server, "Lars Landlig"))
    attempt_id = start_module(page)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", str(attempt_id))
    slow_down(page)
    requests = Requests(page)
    page.evaluate("window.stillTheSamePage = true")

    for index in range(10):
        mark = requests.mark()
        if index in (0, 1):
            press(page, "Neste")
        else:
            answer_card(page, index)
        if 2 <= index <= 5:
            # the answer is on its way: said at once, and the server's feedback follows
            expect(page.locator("[data-player-sent]")).to_have_text("Svar sendt")
            assert requests.waited_for_since(mark) == []
            expect(page.locator(".feedback")).to_contain_text("Riktig!")
            expect(page.locator(".feedback")).to_be_focused()
            mark = requests.mark()
            press(page, "Neste")
        if index < 9:
            progress(page, index + 2)
            assert requests.waited_for_since(mark) == [], f"card {index + 2}"
            assert page.evaluate("window.stillTheSamePage") is True
            if index == 1:
                expect(page.locator(".question")).to_be_focused()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Du har bestått «{MODULE}»")
    assert attempt_state(live_server, attempt_id) == (True, ANSWERED)


def test_the_player_is_full_screen_with_a_close_and_the_action_in_reach(page: Page, live_server):
    sign_in(page, new_staff_member(live_server, "Frida Fullskjerm"))
    start_module(page)
    expect(page.locator(".site-header")).to_have_count(0)
    expect(page.locator(".site-footer")).to_have_count(0)
    button = page.get_by_role("button", name="Neste", exact=True)
    expect(page.locator(".card-next .player-action")).to_have_css("position", "fixed")
    box = button.bounding_box()
    assert box["y"] + box["height"] > 844 - 80  # at the bottom of the screen, in the thumb's reach
    press(page, "Neste")
    press(page, "Neste")
    progress(page, 3)
    assert_accessible(page)
    page.get_by_label("Logger ut eller låser skjermen").check()
    press(page, "Svar")
    expect(page.locator(".feedback")).to_contain_text("Riktig!")
    assert_accessible(page)

    page.get_by_role("link", name="Ta pause – fortsett senere").click()
    expect(page).to_have_url(re.compile(r"/$"))
    started = page.get_by_role("region", name="Neste steg")
    expect(started).to_contain_text("Kort 3 av 10")


def test_a_failed_attempt_ends_on_an_honest_done_page_that_offers_another_go(page: Page, live_server):
    sign_in(page, new_staff_member(live_server, "Ola Omigjen"))
    first = start_module(page)
    press(page, "Neste")
    press(page, "Neste")
    for index in range(2, 10):
        progress(page, index + 1)
        if index == 4:
            page.get_by_label("Sant", exact=True).check()
            press(page, "Svar")
        elif index == 5:
            for place, label in enumerate(
                ["Melde i avvikssystemet", "Sikre pasienten", "Oppdage hendelsen"], start=1
            ):
                page.get_by_label(label).select_option(str(place))
            press(page, "Svar")
        else:
            answer_card(page, index)
        if 2 <= index <= 5:
            expect(page.locator(".feedback")).to_be_visible()
            press(page, "Neste")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Du har ikke bestått «{MODULE}» denne gangen"
    )
    expect(page.get_by_text("Du fikk 50 % riktig.")).to_be_visible()
    missed = page.get_by_role("region", name="Dette bommet du på")
    expect(missed.locator(".review-card")).to_have_count(2)
    expect(page.get_by_role("heading", name="Når du består, teller modulen mot")).to_be_visible()
    assert_accessible(page)

    press(page, "Prøv igjen")
    progress(page, 1)
    second = int(re.search(r"/attempts/(\d+)/", page.url).group(1))
    assert second != first
    with live_server.app.app_context():
        person_id = db.session.get(Attempt, first).person_id
        attempts = db.session.scalars(
            sa.select(Attempt.id).where(Attempt.person_id == person_id).order_by(Attempt.id)
        ).all()
        assert db.session.get(Person, person_id) is not None
        db.session.remove()
    assert attempts == [first, second]
