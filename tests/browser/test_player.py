"""Taking a module on a phone: every card type through to the completion screen, picking up on another
device, and a stretch without network where answers wait on the phone and arrive once."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext, Page, expect

from lms.accounts.services import set_password
from lms.extensions import db
from lms.learning.models import Answer, Attempt
from lms.organisation.models import Role, Unit
from lms.organisation.services import create_person, grant_role
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

MODULE = "Alle korttyper"
QUEUED = "Svaret er lagret på telefonen og sendes når du har nett igjen"


def new_staff_member(live_server, name: str) -> str:
    """A staff member of the ward who has not touched the module (other tests may have); their
    e-mail address. The password is ``PASSWORD``."""
    email = f"{name.lower().replace(' ', '.')}.{uuid.uuid4().hex[:8]}@testvik.no"
    with live_server.app.app_context():
        person = create_person(name, email=email)
        set_password(person, PASSWORD)
        grant_role(person, db.session.get(Unit, live_server.org.ward.id), Role.STAFF)
        db.session.commit()
        db.session.remove()
    return email


def progress(page: Page, n: int) -> None:
    expect(page.locator(".player-progress-text")).to_have_text(f"Kort {n} av 10")


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def player_started(page: Page) -> None:
    """Wait until the player's script has taken over the page: a tap before that is the server's
    (a whole page load, as with JavaScript off)."""
    page.wait_for_function("() => window.laerevakt !== undefined")


def start_module(page: Page) -> int:
    page.goto("/")
    page.get_by_role("link", name=re.compile(MODULE)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE)
    page.get_by_role("button", name=re.compile("^(Start|Fortsett der du slapp)$")).click()
    progress(page, 1)
    return int(re.search(r"/attempts/(\d+)/", page.url).group(1))


def answer_card(page: Page, index: int) -> None:
    """Give the right answer (or a reflection, a vote...) on card ``index`` and press its button."""
    if index == 2:
        page.get_by_label("Logger ut eller låser skjermen").check()
    elif index == 3:
        page.get_by_label("blå-kaffe-trapp-fjord").check()
        page.get_by_label("Tre tilfeldige ord med bindestrek").check()
    elif index == 4:
        page.get_by_label("Usant").check()
    elif index == 5:
        for place, label in enumerate(
            ["Oppdage hendelsen", "Sikre pasienten", "Melde i avvikssystemet"], start=1
        ):
            page.get_by_label(label).select_option(str(place))
    elif index == 6:
        page.get_by_label("Dine tanker").fill("Da jeg gikk fra medisinrommet i en fart.")
    elif index == 7:
        page.get_by_label("Hver vakt").check()
    elif index == 8:
        page.get_by_label("4", exact=True).check()
    elif index == 9:
        expect(page.get_by_label("Ja, jeg prøver")).to_be_checked()
    press(page, "Svar" if 2 <= index <= 5 else "Lagre og gå videre")


def attempt_state(live_server, attempt_id: int) -> tuple[bool, list[str]]:
    with live_server.app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        card_ids = list(
            db.session.scalars(sa.select(Answer.card_id).where(Answer.attempt_id == attempt_id))
        )
        completed = attempt.completed
        db.session.remove()
    return completed, sorted(card_ids)


def attempts_of_the_person(live_server, attempt_id: int) -> int:
    with live_server.app.app_context():
        person_id = db.session.get(Attempt, attempt_id).person_id
        count = db.session.scalar(
            sa.select(sa.func.count(Attempt.id)).where(Attempt.person_id == person_id)
        )
        db.session.remove()
    return count


ANSWERED = sorted(["enkelt", "flere", "sant", "rekkefolge", "tanker", "mening", "trygghet", "prov"])


def test_staff_member_takes_every_card_type_to_the_completion_screen(page: Page, live_server, tmp_path):
    sign_in(page, new_staff_member(live_server, "Siri Sykepleier"))
    page.get_by_role("link", name=re.compile(MODULE)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE)
    expect(page.get_by_text("10 kort")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "player-module.png", full_page=True)

    press(page, "Start")
    progress(page, 1)
    player_started(page)
    page.evaluate("window.stillTheSamePage = true")
    expect(page.get_by_role("heading", name="Velkommen")).to_be_visible()
    press(page, "Neste")
    progress(page, 2)
    expect(page).to_have_url(re.compile(r"/cards/1$"))
    expect(page.get_by_role("img", name="Et lite blått kvadrat")).to_be_visible()
    press(page, "Neste")

    progress(page, 3)
    expect(page.locator(".question")).to_be_focused()
    page.screenshot(path=tmp_path / "player-question.png", full_page=True)
    assert_accessible(page)
    answer_card(page, 2)
    feedback = page.locator(".feedback")
    expect(feedback).to_contain_text("Riktig!")
    expect(feedback).to_be_focused()
    expect(page.get_by_text("riktig svar")).to_be_visible()
    page.screenshot(path=tmp_path / "player-feedback.png", full_page=True)
    assert_accessible(page)
    expect(page.locator("[data-player-announcer]")).to_have_text(re.compile("Kort 3 av 10. Riktig!"))

    page.go_back()
    progress(page, 2)
    page.go_forward()
    progress(page, 3)
    expect(page.locator(".feedback")).to_contain_text("Riktig!")
    press(page, "Neste")

    for index in range(3, 10):
        progress(page, index + 1)
        if index == 9:
            assert page.evaluate("window.stillTheSamePage") is True  # every card was swapped in
        answer_card(page, index)
        if 3 <= index <= 5:
            expect(page.locator(".feedback")).to_contain_text("Riktig!")
            press(page, "Neste")

    expect(page).to_have_url(re.compile(r"/attempts/\d+/done$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Du har bestått «{MODULE}»")
    expect(page.get_by_text("Du fikk 100 % riktig.")).to_be_visible()
    expect(page.get_by_text("Bestått!")).to_be_visible()
    page.screenshot(path=tmp_path / "player-done.png", full_page=True)
    assert_accessible(page)

    page.get_by_role("link", name="Tilbake til I dag").click()
    done = page.get_by_role("region", name="Fullført")
    expect(done.get_by_role("link", name=re.compile(MODULE))).to_contain_text("Bestått")
    page.screenshot(path=tmp_path / "player-mine.png", full_page=True)
    assert_accessible(page)


def test_another_device_continues_on_the_same_card(
    make_context: Callable[..., BrowserContext], live_server
):
    assistant = new_staff_member(live_server, "Adam Assistent")
    phone = make_context().new_page()
    sign_in(phone, assistant)
    start_module(phone)
    press(phone, "Neste")
    press(phone, "Neste")
    answer_card(phone, 2)
    expect(phone.locator(".feedback")).to_contain_text("Riktig!")
    press(phone, "Neste")
    progress(phone, 4)
    phone.context.close()

    ward_pc = make_context().new_page()
    sign_in(ward_pc, assistant)
    started = ward_pc.get_by_role("region", name="Neste steg")
    expect(started).to_contain_text("Påbegynt · Kort 4 av 10")
    assert_accessible(ward_pc)
    started.get_by_role("link", name=re.compile(MODULE)).click()
    expect(ward_pc.get_by_text("Du er på kort 4 av 10.")).to_be_visible()
    press(ward_pc, "Fortsett der du slapp")

    progress(ward_pc, 4)
    expect(ward_pc.get_by_text("Hvilke passord er sterke?")).to_be_visible()


def test_answers_given_without_network_arrive_once_when_it_returns(page: Page, live_server, tmp_path):
    sign_in(page, new_staff_member(live_server, "Vera Vikar"))
    attempt_id = start_module(page)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", str(attempt_id))
    press(page, "Neste")
    progress(page, 2)

    reached_server: list[str] = []
    app = live_server.app
    serve = app.wsgi_app

    def recording(environ, start_response):
        reached_server.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        return serve(environ, start_response)

    app.wsgi_app = recording
    try:
        page.context.set_offline(True)
        press(page, "Neste")
        progress(page, 3)
        for index in range(2, 10):
            progress(page, index + 1)
            answer_card(page, index)
            expect(page.locator("[data-player-status]")).to_contain_text(QUEUED)
            if 2 <= index <= 5:  # a question waits for its feedback, and says so
                expect(page.locator("[data-player-sent]")).to_have_text("Svar sendt")
                press(page, "Neste")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Du er ferdig med «{MODULE}»")
        page.screenshot(path=tmp_path / "player-offline-done.png", full_page=True)
        assert_accessible(page)
        # every card came from the phone's cache, and no answer reached the server
        # (the service worker's own update check of /sw.js is not offline under Playwright)
        assert [r for r in reached_server if r.split()[1].startswith(("/attempts/", "/media/"))] == []
        assert attempt_state(live_server, attempt_id) == (False, [])
        queued = page.evaluate(
            """() => new Promise(resolve => {
                const open = indexedDB.open("laerevakt");
                open.onsuccess = () => {
                    const all = open.result.transaction("answers").objectStore("answers").getAll();
                    all.onsuccess = () => resolve(all.result);
                };
            })"""
        )
        assert sorted(entry["card_id"] for entry in queued) == ANSWERED
    finally:
        app.wsgi_app = serve

    page.context.set_offline(False)

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Du har bestått «{MODULE}»")
    expect(page.get_by_text("Du fikk 100 % riktig.")).to_be_visible()
    assert attempt_state(live_server, attempt_id) == (True, ANSWERED)
    assert attempts_of_the_person(live_server, attempt_id) == 1
    # the feedback the learner could not get without network, on the done page
    page.get_by_text("Se svarene dine").click()
    expect(page.locator(".review-all .feedback")).to_have_count(4)
    expect(page.locator(".review-all .feedback-verdict").first).to_contain_text("Riktig!")

    page.reload()
    page.reload()
    page.evaluate("window.laerevakt.sync()")
    page.evaluate("window.laerevakt.sync()")
    resent = page.evaluate(
        """async entries => {
            const token = document.querySelector('input[name="csrf_token"]').value;
            const results = [];
            for (const entry of entries) {
                const response = await fetch(entry.sync_url, {
                    method: "POST", credentials: "same-origin",
                    headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                    body: JSON.stringify(entry),
                });
                results.push([response.status, (await response.json()).stored]);
            }
            return results;
        }""",
        queued,
    )
    assert resent == [[200, False]] * len(ANSWERED)
    assert attempt_state(live_server, attempt_id) == (True, ANSWERED)


def test_an_answer_given_offline_gets_its_feedback_on_the_card_when_the_network_returns(
    page: Page, live_server
):
    sign_in(page, new_staff_member(live_server, "Nils Nettløs"))
    attempt_id = start_module(page)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", str(attempt_id))
    press(page, "Neste")
    press(page, "Neste")
    progress(page, 3)
    page.context.set_offline(True)
    answer_card(page, 2)
    expect(page.locator("[data-player-sent]")).to_have_text("Svar sendt")
    expect(page.locator("[data-player-status]")).to_contain_text(QUEUED)
    assert_accessible(page)
    assert attempt_state(live_server, attempt_id) == (False, [])

    page.context.set_offline(False)

    expect(page.locator(".feedback")).to_contain_text("Riktig!")
    expect(page.locator("[data-player-sent]")).to_have_count(0)
    assert attempt_state(live_server, attempt_id) == (False, ["enkelt"])


def offline_page_at(page: Page, path: str) -> None:
    page.context.set_offline(True)
    try:
        page.goto(path)
    finally:
        page.context.set_offline(False)


def choose_language(page: Page, language: str) -> None:
    """Choose a language in the footer of a page shown in Bokmål."""
    page.get_by_role("contentinfo").get_by_label("Språk").select_option(language)
    page.get_by_role("button", name="Bytt språk").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_the_offline_page_follows_a_change_of_language(page: Page, live_server):
    sign_in(page, new_staff_member(live_server, "Eva Engelsk"))
    # chosen, not left to the browser: Playwright sets Accept-Language for pages, not for /sw.js
    choose_language(page, "nb")
    attempt_id = start_module(page)
    expect(page.locator("html")).to_have_attribute("data-offline-ready", str(attempt_id))
    offline_page_at(page, "/learn/ikke-lagret")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er uten nett")
    expect(page.locator("html")).to_have_attribute("lang", "nb")

    page.goto("/")
    choose_language(page, "en")
    # the browser checks /sw.js on navigation; the English texts make it a new script, installed now
    page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            await registration.update();
            const worker = registration.installing || registration.waiting;
            if (worker && worker.state !== "activated") {
                await new Promise((done) => worker.addEventListener("statechange", () => {
                    if (worker.state === "activated") done();
                }));
            }
        }"""
    )
    offline_page_at(page, "/learn/ikke-lagret")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Go to My learning")).to_have_attribute("href", "/")
    assert page.title() == "Offline – Lærevakt"
    assert_accessible(page)
