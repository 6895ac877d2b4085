"""The shared screen as a presenter view on a projector (1280×720) and a TV (1920×1080): the controls
in the window on every card without scrolling, the short join address on one line per part, the
count of people, the keys and the timer, and axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.browser.test_group_run import make_people

pytestmark = pytest.mark.browser

PROJECTOR = {"viewport": {"width": 1280, "height": 720}, "is_mobile": False, "has_touch": False}
TV = {"width": 1920, "height": 1080}


def outside_window(page: Page, selector: str) -> list[str]:
    """The elements matching ``selector`` that are not wholly inside the window as it is now (those
    hidden on purpose, such as "Oppdater" once the screen follows by itself, left out)."""
    return page.evaluate(
        """selector => Array.from(document.querySelectorAll(selector)).flatMap(el => {
            if (el.closest("[hidden]")) return [];
            const box = el.getBoundingClientRect();
            const inside = box.width > 0 && box.height > 0 && box.left >= 0 && box.top >= 0
                && box.right <= window.innerWidth && box.bottom <= window.innerHeight;
            return inside ? [] : [el.textContent.trim() + " at " + JSON.stringify(box)];
        })""",
        selector,
    )


def lines_of(page: Page, selector: str) -> list[int]:
    """How many lines each element matching ``selector`` takes."""
    return page.evaluate(
        "selector => Array.from(document.querySelectorAll(selector))"
        ".map(el => el.getClientRects().length)",
        selector,
    )


CONTROLS = ".group-controls button, .group-controls a, .group-controls select"


def press(screen: Page, key: str) -> None:
    """Press ``key`` once group.js listens for keys (it shows the hint about them)."""
    expect(screen.locator("[data-group-keys]")).to_be_visible()
    screen.keyboard.press(key)


def test_the_presenter_view_keeps_the_controls_in_the_window_and_answers_to_the_keys(
    live_server, make_context
):
    ((_name, email),) = make_people(live_server, 1)
    screen = make_context(**PROJECTOR).new_page()
    sign_in(screen, live_server.org.facilitator.email)
    screen.goto("/groups")
    screen.get_by_label("Modul").select_option(value="alle-korttyper")
    screen.get_by_label("Gruppe", exact=True).select_option(label=live_server.org.zone.name)
    screen.get_by_role("button", name="Start gruppeøkt").click()
    heading = screen.get_by_role("heading", level=1)
    expect(heading).to_have_text("Kort 1 av 10")
    code = screen.locator(".group-code [aria-hidden=true]").inner_text().strip()

    # The short address, as it stands on the screen, on one line per part, leads a phone in.
    address = screen.locator(".group-address")
    expect(address).to_have_text(re.compile(rf"127\.0\.0\.1:\d+/j/{code}$"))
    assert lines_of(screen, ".group-address span") == [1, 1]
    phone = make_context().new_page()
    phone.goto("/j/" + code.lower())
    phone.get_by_label("E-post", exact=True).fill(email)
    phone.get_by_label("Passord", exact=True).fill("riktig-passord-123")
    phone.get_by_role("button", name="Logg inn", exact=True).click()
    phone.get_by_role("button", name="Bli med").click()
    expect(phone.locator("[data-group-heading]")).to_have_text("Kort 1 av 10")
    expect(screen.locator(".group-room")).to_have_text("1 med")

    # A timer for each card, chosen once.
    screen.get_by_label("Tidtaker").select_option(label="30 s")
    expect(screen.get_by_role("timer")).to_have_text(re.compile(r"^0:(30|29|28)$"))

    # Every card, moved to with the keys: the controls are in the window, the page not scrolled.
    for control in ("Neste kort", "Avslutt økten", "Deltakere", "Start tiden på nytt", "Fullskjerm"):
        expect(
            screen.get_by_role("link", name=control).or_(screen.get_by_role("button", name=control))
        ).to_be_visible()
    assert outside_window(screen, CONTROLS) == []
    assert_accessible(screen)
    for number in range(2, 11):
        press(screen, "ArrowRight" if number % 2 else "Space")
        expect(heading).to_have_text(f"Kort {number} av 10")
        expect(screen.get_by_role("timer")).to_have_text(re.compile(r"^0:(30|29|28)$"))
        assert screen.evaluate("window.scrollY") == 0
        assert outside_window(screen, CONTROLS) == [], f"card {number}"
    expect(phone.locator("[data-group-heading]")).to_have_text("Kort 10 av 10")
    press(screen, "ArrowLeft")
    expect(heading).to_have_text("Kort 9 av 10")
    expect(screen.get_by_role("button", name="Neste kort")).to_have_attribute(
        "aria-keyshortcuts", "ArrowRight Space PageDown"
    )

    # The question card, with the group's answers shown, on a TV too.
    for number in range(8, 2, -1):
        press(screen, "PageUp")
        expect(heading).to_have_text(f"Kort {number} av 10")
    for size in (PROJECTOR["viewport"], TV):
        screen.set_viewport_size(size)
        expect(screen.locator("[data-group-keys]")).to_be_visible()
        assert outside_window(screen, CONTROLS) == [], size
        assert lines_of(screen, ".group-address span") == [1, 1]
        assert_accessible(screen)
