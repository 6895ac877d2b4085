"""Taking a module on a phone with JavaScript off: the server-rendered pages are the whole player.
Every card is a page of its own, each answer a posted form, its feedback the page the server answers
with; the done page says how it went and "Prøv igjen" starts another attempt.

Everything waited for here is an element or a URL, each with a timeout: with JavaScript off no
script event, service worker or offline bundle ever comes. axe run in the page itself would never
return (it waits on a timer, and ``page.evaluate`` has no timeout), so
``assert_accessible_without_javascript`` checks a copy of the page instead."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Page, expect

from lms.extensions import db
from lms.learning.models import Answer, Attempt
from lms.organisation.models import Person
from tests.browser.axe import assert_accessible_without_javascript
from tests.browser.helpers import sign_in
from tests.browser.test_player import (
    ANSWERED,
    MODULE,
    answer_card,
    new_staff_member,
    press,
    progress,
)

pytestmark = pytest.mark.browser

WAIT_MS = 10_000
"""How long an element or a page is waited for before the test fails."""

CARD_PAGE = re.compile(r"/attempts/(\d+)/cards/(\d+)$")


def card_page(page: Page, n: int) -> None:
    """Card ``n`` (from 1) is the page now shown, as its own address."""
    expect(page).to_have_url(re.compile(rf"/attempts/\d+/cards/{n - 1}$"), timeout=WAIT_MS)
    progress(page, n)


def answer_wrong(page: Page, index: int) -> None:
    if index == 2:
        page.get_by_label("Lar den stå pålogget til neste vakt").check()
    elif index == 4:
        page.get_by_label("Sant", exact=True).check()
    press(page, "Svar")


WRONG = {2, 4}
"""Two of the four scored cards answered wrong: 50 % against a pass mark of 75 % (one wrong of four
would be 75 %, a pass, and a passed attempt offers no "Prøv igjen")."""


def attempts_of(live_server, email: str) -> list[tuple[bool, list[str]]]:
    """The person's attempts, oldest first: completed or not, and the card of each answer."""
    with live_server.app.app_context():
        attempts = db.session.scalars(
            sa.select(Attempt).join(Attempt.person).where(Person.email == email).order_by(Attempt.id)
        ).all()
        found = [
            (
                attempt.completed,
                sorted(
                    db.session.scalars(sa.select(Answer.card_id).where(Answer.attempt_id == attempt.id))
                ),
            )
            for attempt in attempts
        ]
        db.session.remove()
    return found


def test_a_whole_module_without_javascript_on_a_phone(
    make_context: Callable[..., BrowserContext], live_server
):
    email = new_staff_member(live_server, "Jon Utenskript")
    page = make_context(java_script_enabled=False).new_page()
    page.set_default_navigation_timeout(WAIT_MS)
    sign_in(page, email)

    page.get_by_role("link", name=re.compile(MODULE)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE, timeout=WAIT_MS)
    press(page, "Start")

    card_page(page, 1)
    expect(page.get_by_role("heading", name="Velkommen")).to_be_visible(timeout=WAIT_MS)
    press(page, "Neste")
    card_page(page, 2)
    expect(page.get_by_role("img", name="Et lite blått kvadrat")).to_be_visible(timeout=WAIT_MS)
    press(page, "Neste")

    card_page(page, 3)
    press(page, "Svar")  # nothing chosen: no script stops it, the server says what is missing
    expect(page.get_by_role("alert")).to_have_text("Velg et svar.", timeout=WAIT_MS)

    for index in range(2, 10):
        card_page(page, index + 1)
        if index in WRONG:
            answer_wrong(page, index)
        else:
            answer_card(page, index)
        if 2 <= index <= 5:
            # the server's page for the answered card: its feedback, and the way on
            card_page(page, index + 1)
            verdict = "Ikke helt." if index in WRONG else "Riktig!"
            expect(page.locator(".feedback-verdict")).to_have_text(verdict, timeout=WAIT_MS)
            press(page, "Neste")
        elif index == 6:
            # an unscored card moves on at once; going back shows the answer kept
            card_page(page, 8)
            page.get_by_role("link", name="Forrige kort").click()
            card_page(page, 7)
            expect(page.locator(".reflection-saved blockquote")).to_have_text(
                "Da jeg gikk fra medisinrommet i en fart.", timeout=WAIT_MS
            )
            press(page, "Neste")

    expect(page).to_have_url(re.compile(r"/attempts/\d+/done$"), timeout=WAIT_MS)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Du har ikke bestått «{MODULE}» denne gangen", timeout=WAIT_MS
    )
    expect(page.get_by_text("Du fikk 50 % riktig.")).to_be_visible(timeout=WAIT_MS)
    missed = page.get_by_role("region", name="Dette bommet du på")
    expect(missed.locator(".feedback-verdict")).to_have_text(["Ikke helt."] * 2, timeout=WAIT_MS)
    page.get_by_text("Se svarene dine").click()  # <details>: opens without a script
    expect(page.locator(".review-all .feedback-verdict")).to_have_text(["Riktig!"] * 2, timeout=WAIT_MS)
    assert_accessible_without_javascript(page)

    assert attempts_of(live_server, email) == [(True, ANSWERED)]

    press(page, "Prøv igjen")
    card_page(page, 1)
    expect(page.get_by_role("heading", name="Velkommen")).to_be_visible(timeout=WAIT_MS)
    assert_accessible_without_javascript(page)
    assert attempts_of(live_server, email) == [(True, ANSWERED), (False, [])]

    page.get_by_role("link", name="Ta pause – fortsett senere").click()
    expect(page).to_have_url(re.compile(r"/$"), timeout=WAIT_MS)
    expect(page.get_by_role("region", name="Neste steg")).to_contain_text(
        "Kort 1 av 10", timeout=WAIT_MS
    )
    assert_accessible_without_javascript(page)
