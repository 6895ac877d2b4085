"""A person who reads Nynorsk takes a module written in Nynorsk on a phone: the interface, the cards
and their feedback are Nynorsk, though the phone's browser asks for Bokmål (the person's own choice
wins), and every page passes axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lms.accounts.services import set_password
from lms.content import services as content_services
from lms.extensions import db
from lms.organisation.models import Role, Unit
from lms.organisation.services import create_person, grant_role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE, TIMEOUT_MS, LiveServer, serving
from tests.browser.helpers import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

MODULE = Path(__file__).resolve().parents[2] / "modules" / "tor-a-trykke"
TITLE = "Tør å trykke – lær eit nytt system trygt"
EMAIL = "nora.nynorsk@testvik.no"


@pytest.fixture(scope="module")
def nynorsk_server(tmp_path_factory, fast_password_hashing) -> Iterator[LiveServer]:
    """A server of its own, with the shipped module installed and a nurse who chose Nynorsk."""
    with serving(tmp_path_factory.mktemp("browser-nn"), "browser_nn") as server:
        with server.app.app_context():
            content_services.install(MODULE, "shipped", publish=True)
            nurse = create_person("Nora Nynorsk", email=EMAIL, job_title="sykepleier")
            nurse.locale = "nn"
            set_password(nurse, PASSWORD)
            grant_role(nurse, db.session.get(Unit, server.org.ward.id), Role.STAFF)
            db.session.commit()
            db.session.remove()
        yield server


@pytest.fixture
def phone(browser: Browser, nynorsk_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(**PHONE, base_url=nynorsk_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def progress(page: Page, n: int) -> None:
    expect(page.locator(".player-progress-text")).to_have_text(f"Kort {n} av 11")


def test_a_nynorsk_reader_takes_a_module_in_nynorsk(phone: Page, tmp_path):
    sign_in(phone, EMAIL)
    expect(phone.locator("html")).to_have_attribute("lang", "nn")
    expect(phone.get_by_role("navigation", name="Hovudmeny")).to_be_visible()
    phone.get_by_role("link", name=re.compile(TITLE)).first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(phone.get_by_text("Kva som ikkje kan gå i stykke")).to_be_visible()
    expect(phone.get_by_text("finst ikkje på nynorsk")).to_have_count(0)
    assert_accessible(phone)

    press(phone, "Start")
    progress(phone, 1)
    expect(phone.get_by_role("heading", name="Mange vegrar seg for å trykke")).to_be_visible()
    expect(phone.get_by_text("Dei som lærer nye system raskast")).to_be_visible()
    assert_accessible(phone)
    press(phone, "Neste")

    progress(phone, 2)
    expect(phone.get_by_text("Eg tør å prøve meg fram i fagsystema vi bruker på jobb.")).to_be_visible()
    expect(phone.get_by_text("1 – Heilt usamd")).to_be_visible()
    phone.get_by_label("4", exact=True).check()
    press(phone, "Lagre og gå vidare")

    progress(phone, 3)
    expect(phone.get_by_role("heading", name="Kva kan eigentleg gå i stykke?")).to_be_visible()
    press(phone, "Neste")

    progress(phone, 4)
    phone.get_by_label("Opne ein meny for å sjå kva som ligg der").check()
    press(phone, "Svar")
    feedback = phone.locator(".feedback")
    expect(feedback).to_contain_text("Ikkje heilt.")
    expect(feedback).to_contain_text("Å opne ein meny endrar ingenting.")
    expect(phone.get_by_text("rett svar").first).to_be_visible()
    phone.screenshot(path=tmp_path / "nynorsk-feedback.png", full_page=True)
    assert_accessible(phone)
    press(phone, "Neste")

    progress(phone, 5)
    press(phone, "Neste")
    progress(phone, 6)
    phone.get_by_label("Usant").check()
    press(phone, "Svar")
    expect(phone.locator(".feedback")).to_contain_text("brot på teieplikta")
    press(phone, "Neste")

    progress(phone, 7)
    phone.get_by_label("Seier frå straks til ansvarleg sjukepleiar eller leiar").check()
    press(phone, "Svar")
    expect(phone.locator(".feedback")).to_contain_text("Rett!")
    press(phone, "Neste")

    progress(phone, 8)
    steps = [
        "Superbrukaren viser, og du ser på",
        "Du gjer det sjølv, og superbrukaren ser på og hjelper",
    ]
    steps += ["Du gjer det åleine på ei vanleg vakt", "Du viser ein kollega korleis det blir gjort"]
    for place, step in enumerate(steps, start=1):
        phone.get_by_label(step).select_option(str(place))
    press(phone, "Svar")
    expect(phone.locator(".feedback")).to_contain_text("Rett!")
    press(phone, "Neste")

    progress(phone, 9)
    phone.get_by_label("Kollegaen som er på vakt saman med meg").check()
    press(phone, "Lagre og gå vidare")
    progress(phone, 10)
    phone.get_by_label("Tankane dine").fill("Eg prøver meldingsfunksjonen saman med superbrukaren.")
    press(phone, "Lagre og gå vidare")
    progress(phone, 11)
    expect(phone.get_by_label("Ja, eg prøver")).to_be_checked()
    press(phone, "Lagre og gå vidare")

    expect(phone).to_have_url(re.compile(r"/attempts/\d+/done$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        f"Du har ikkje bestått «{TITLE}» denne gongen"
    )
    expect(phone.get_by_text("Du fekk 75 % rett.")).to_be_visible()
    expect(phone.get_by_text("Dette bomma du på")).to_be_visible()
    phone.screenshot(path=tmp_path / "nynorsk-done.png", full_page=True)
    assert_accessible(phone)
