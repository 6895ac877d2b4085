"""Every page a signed-in person can reach, on a 390 × 844 phone, for each kind of person: 0 axe
violations, no sideways scrolling, and no form input or button under 44 px tall.

The pages are found, not listed: from home, every same-origin link on a page is followed, and every
GET form (filters, searches) sent as it stands (a visited set; one page per URL shape, so
``/units/3`` and ``/units/4`` count once), leaving out sign-out, downloads and the static files;
pages behind a POST form (a module's first card, a group run's screen) are opened once by pressing
its button. The app holds the demo municipality (``lms demo``: modules, assignments, workshops,
rotas, reminders, competence) so that the lists have something in them.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Error, Page

from lms import demo
from lms.extensions import db
from lms.organisation.models import Person, Role, Unit
from tests.browser.axe import axe_violations, describe_violations, horizontal_overflow
from tests.browser.conftest import PHONE, TIMEOUT_MS, LiveServer, serving
from tests.browser.helpers import sign_in
from tests.conftest import PASSWORD, add_person

pytestmark = pytest.mark.browser

SKIPPED = re.compile(
    r"^/(static|api|logout|login)\b|/sw\.js$|\.(csv|xlsx|ics|svg|png|pdf|json|zip)$"
    r"|/(export|download|qr|bundle|content\.json)(/|$)",
)
"""Paths that are not pages: sign-out and sign-in, files to download, the API, static files."""
MAX_PAGES = 150
"""Per person: a crawl that would go further is lost in a loop of new URL shapes."""
UNIT_ADMIN = "enhetsadmin@fjordvik.example"
TEST_MODULE_ID = "alle-korttyper"
FEWEST_PAGES = {"staff": 15, "facilitator": 25, "manager": 40, "unit admin": 50, "admin": 60}
"""How many page shapes each person must reach, so that a broken crawl cannot pass quietly."""
MUST_REACH = {
    "staff": {
        "/competence/me",
        "/workshops/",
        "/reminders/",
        "/reminders/preferences",
        "/shifts/",
        "/attempts/N/done",
        "/attempts/N/cards/N",
    },
    "facilitator": {
        "/workshops/units/N/series/N",
        "/workshops/units/N/sessions/N/attendance",
        "/groups/runs/N",
    },
    "manager": {"/shifts/units/N", "/reports/units/N", "/reminders/units/N/policy"},
    "unit admin": {"/admin/people/import", "/admin/people/N", "/shifts/units/N"},
    "admin": {"/admin/modules/", "/admin/people/import", "/admin/competence", "/workshops/series/N"},
}
"""Pages each person must have been shown among those found (the issue's list, and more)."""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, fast_password_hashing) -> Iterator[LiveServer]:
    """A server of its own holding the demo municipality and an admin of one unit in it."""
    with serving(tmp_path_factory.mktemp("every-page"), "every_page") as server:
        with server.app.app_context():
            demo.build_demo(PASSWORD)
            ward = db.session.query(Unit).filter_by(name=demo.WARD_2).one()
            add_person("Una Enhetsadmin", UNIT_ADMIN, ward, Role.ADMIN)
            db.session.commit()
            db.session.remove()
        yield server


def _email_of(name: str, server: LiveServer) -> str:
    with server.app.app_context():
        email = db.session.query(Person.email).filter_by(name=name).scalar()
        db.session.remove()
    return email


PEOPLE = {
    "staff": demo.SAMPLE_STAFF[0],
    "facilitator": demo.LEADERS[4].name,
    "manager": demo.LEADERS[1].name,
    "unit admin": None,
    "admin": demo.LEADERS[0].name,
}


def shape(url: str) -> str:
    """A page's URL with its numbers and query values left out: one visit per shape."""
    parts = urlsplit(url)
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(names) if names else "")


def start_a_module(page: Page) -> str:
    """Pages behind a form: a module's first card, reached by pressing Start (the cards after it
    come after answers; tests/browser/test_player.py takes a module through)."""
    page.goto(f"/learn/{TEST_MODULE_ID}")
    page.locator("form[action$='/start']").get_by_role("button").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/cards/"))
    return page.url


def start_a_group_run(page: Page) -> str:
    """Pages behind a form: a group run's shared screen and its lists."""
    page.goto("/groups")
    page.get_by_role("button", name="Start gruppeøkt").click()
    page.wait_for_url(re.compile(r"/groups/runs/\d+"))
    return page.url


BEHIND_FORMS = {"staff": start_a_module, "facilitator": start_a_group_run}


GET_FORMS = """() => Array.from(document.forms)
  .filter(form => (form.getAttribute("method") || "get").toLowerCase() === "get")
  .map(form => {
    const url = new URL(form.getAttribute("action") || "", document.baseURI);
    new FormData(form).forEach((value, name) => {
        if (typeof value === "string") url.searchParams.append(name, value);
    });
    return url.href;
})"""
"""Where the page's GET forms (filters, searches) lead when sent as they stand."""


def links_on(page: Page, origin: str) -> list[str]:
    """The same-origin pages the page links to or whose GET forms lead to, without SKIPPED."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs + page.evaluate(GET_FORMS):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED.search(parts.path):
            continue
        found.append(href.split("#")[0])
    return found


SMALL_INPUTS = """() => Array.from(document.querySelectorAll(
        "input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea, button"))
    .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
    .map(el => `${el.tagName.toLowerCase()}#${el.id || el.name || ""} is ${
        Math.round(el.getBoundingClientRect().height)}px tall`)"""
"""Form inputs and buttons shown on the page that are under 44 px tall (a finger's target)."""


def problems_on(page: Page) -> list[str]:
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append(describe_violations(violations))
    problems += horizontal_overflow(page)
    problems += page.evaluate(SMALL_INPUTS)
    return problems


def crawl(page: Page, origin: str, entries: list[str]) -> tuple[set[str], dict[str, list[str]]]:
    """Visit every page shape reachable from home and ``entries``; returns the shapes seen and the
    problems by URL."""
    seen: set[str] = set()
    problems: dict[str, list[str]] = {}
    queue = deque([f"{origin}/", *entries])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        try:
            response = page.goto(url)
        except Error as error:
            if "Download is starting" not in error.message:  # a file, not a page
                problems[url] = [f"could not be opened: {error.message.splitlines()[0]}"]
            continue
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status >= 400:
            problems[url] = [f"answered {response.status}"]
            continue
        found = problems_on(page)
        if found:
            problems[url] = found
        queue.extend(link for link in links_on(page, origin) if shape(link) not in seen)
    return seen, problems


@pytest.mark.parametrize("who", list(PEOPLE))
def test_every_reachable_page_is_accessible_on_a_phone(who: str, browser: Browser, demo_server):
    email = UNIT_ADMIN if who == "unit admin" else _email_of(PEOPLE[who], demo_server)
    context = browser.new_context(**{**PHONE, "base_url": demo_server.url})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, email)
        entries = [BEHIND_FORMS[who](page)] if who in BEHIND_FORMS else []
        seen, problems = crawl(page, demo_server.url, entries)
    finally:
        context.close()

    report = "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in problems.items())
    assert not problems, f"{len(problems)} of {len(seen)} pages for the {who}:\n{report}"
    assert len(seen) >= FEWEST_PAGES[who], sorted(seen)
    assert MUST_REACH[who] <= seen, sorted(seen)
