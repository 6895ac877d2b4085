"""Issue 18 on a phone: the manager makes an introduction programme; a vikar without e-mail who joins
signs in with a code by SMS (read from the log gateway), sees "Din introduksjon" and takes its
module; their mentor signs off a practical item; and the manager's newcomer list shows the progress.
Each page passes axe at 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Role, Unit, UnitKind
from lms.organisation.services import create_person, create_unit, grant_role
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.browser.test_player import answer_card, press, progress
from tests.browser.test_sign_in_without_email import code_sent_to
from tests.conftest import add_person

PHONE = "+4791234568"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def zone(live_server):
    with live_server.app.app_context():
        area = db.session.get(Unit, live_server.org.area.id)
        unit = create_unit("Hjemmesykepleien sone Vest", UnitKind.UNIT, area)
        manager = add_person("Vera Vestleder", "vera@testvik.no", unit, Role.MANAGER, "leder")
        mentor = add_person("Mats Fadder", "mats@testvik.no", unit, Role.STAFF, "sykepleier")
        db.session.commit()
        made = {"unit_id": unit.id, "manager": manager.email, "mentor": mentor.email}
        db.session.remove()
    return made


def newcomer_joins(live_server, unit_id: int) -> None:
    """The HR system (here: the service the HR sync, the CSV import and the admin page share)
    adds a vikar with a mobile number and no e-mail to the zone, starting today."""
    with live_server.app.app_context():
        person = create_person(
            "Vilde Vikar", phone="912 34 568", job_title="vikar", start_date=local_today()
        )
        grant_role(person, db.session.get(Unit, unit_id), Role.STAFF)
        db.session.commit()
        db.session.remove()


def sign_in_by_sms(page: Page, live_server) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Logg inn med kode på SMS").click()
    page.get_by_label("Mobilnummer").fill("912 34 568")
    page.get_by_role("button", name="Send meg en kode").click()
    page.get_by_label("Koden fra SMS-en").fill(code_sent_to(live_server, PHONE))
    page.get_by_role("button", name="Logg inn", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hei, Vilde Vikar")


def take_the_module(page: Page) -> None:
    """Every card of the test module, right, to the done page."""
    page.get_by_role("button", name=re.compile("^(Start|Fortsett der du slapp)$")).click()
    progress(page, 1)
    press(page, "Neste")
    progress(page, 2)
    press(page, "Neste")
    for index in range(2, 10):
        progress(page, index + 1)
        answer_card(page, index)
        if 2 <= index <= 5:
            expect(page.locator(".feedback")).to_contain_text("Riktig!")
            press(page, "Neste")
    expect(page).to_have_url(re.compile(r"/attempts/\d+/done$"))
    expect(page.get_by_text("Bestått!")).to_be_visible()


def test_a_programme_made_by_the_manager_reaches_the_newcomer_and_the_mentor_signs_off(
    make_context, live_server, zone
):
    manager = make_context().new_page()
    sign_in(manager, zone["manager"])
    manager.goto(f"/units/{zone['unit_id']}/introduction")
    assert_accessible(manager)
    manager.get_by_label("Navn på programmet").fill("Ny i sone Vest")
    manager.get_by_role("button", name="Lag programmet").click()
    expect(manager.get_by_text("Programmet er laget.")).to_be_visible()
    manager.get_by_label("Praktisk punkt").fill("Medisinrommet")
    manager.get_by_label("Antall", exact=True).fill("3")
    manager.get_by_role("button", name="Legg til", exact=True).click()
    expect(manager.get_by_text("«Medisinrommet» er lagt til.")).to_be_visible()
    expect(manager.get_by_text("innen 3. vakt")).to_be_visible()
    manager.get_by_role("radio", name="Modul").check()
    manager.get_by_role("combobox", name="Modul").select_option(label="Alle korttyper")
    manager.get_by_label("Innen antall dager").check()
    manager.get_by_label("Antall", exact=True).fill("14")
    manager.get_by_role("button", name="Legg til", exact=True).click()
    expect(manager.get_by_text("«Alle korttyper» er lagt til.")).to_be_visible()
    assert_accessible(manager)

    newcomer_joins(live_server, zone["unit_id"])
    newcomer = make_context().new_page()
    sign_in_by_sms(newcomer, live_server)
    expect(newcomer.get_by_role("heading", name="Din introduksjon")).to_be_visible()
    assert_accessible(newcomer)
    newcomer.get_by_role("link", name="Ny i sone Vest").click()
    expect(newcomer.get_by_text("innen 3. vakt")).to_be_visible()
    expect(newcomer.get_by_text("Ikke gjort")).to_have_count(2)
    assert_accessible(newcomer)
    newcomer.get_by_role("link", name="Alle korttyper").click()
    take_the_module(newcomer)
    newcomer.goto("/introduction")
    expect(newcomer.get_by_text("Ikke gjort")).to_have_count(1)
    assert_accessible(newcomer)

    manager.goto("/introduction/newcomers")
    manager.get_by_role("link", name="Vilde Vikar").click()
    manager.get_by_role("combobox", name="Fadder").select_option(label="Mats Fadder")
    manager.get_by_role("button", name="Lagre fadder").click()
    expect(manager.get_by_text("Fadderen er lagret.")).to_be_visible()
    assert_accessible(manager)

    mentor = make_context().new_page()
    sign_in(mentor, zone["mentor"])
    mentor.goto("/introduction/newcomers")
    expect(mentor.get_by_role("heading", name="Dine fadderbarn")).to_be_visible()
    mentor.get_by_role("link", name="Vilde Vikar").click()
    mentor.get_by_role("button", name="Kvitter ut").click()
    expect(mentor.get_by_text("«Medisinrommet» er vist og gjennomgått.")).to_be_visible()
    expect(mentor.get_by_text("vist og gjennomgått av Mats Fadder")).to_be_visible()
    assert_accessible(mentor)

    manager.goto("/introduction/newcomers")
    expect(manager.get_by_role("link", name="Vilde Vikar")).to_contain_text("2 av 2 gjort")
    assert_accessible(manager)
