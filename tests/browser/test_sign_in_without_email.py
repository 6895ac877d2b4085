"""Signing in without e-mail on a phone: a vikar with a code by SMS (read from the `log` gateway),
and a manager making a printed code for someone with no phone on file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from lms.extensions import db
from lms.organisation.models import Person, Role, Unit
from lms.organisation.services import create_person, grant_role
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

VIKAR = "Vera Vikar"
NUMBER = "+4791234567"


@pytest.fixture
def vikar(live_server):
    """A vikar without e-mail, with a mobile number, on the ward; removed afterwards."""
    app = live_server.app
    with app.app_context():
        person = create_person(VIKAR, phone="912 34 567", job_title="vikar")
        grant_role(person, db.session.get(Unit, live_server.org.ward.id), Role.STAFF)
        db.session.commit()
        person_id = person.id
    yield person_id
    with app.app_context():
        db.session.execute(sa.delete(Person).where(Person.id == person_id))
        db.session.commit()


def code_sent_to(live_server, number: str) -> str:
    log = Path(live_server.app.config["INSTANCE_PATH"]) / "sms.log"
    texts = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [t["text"] for t in texts if t["to"] == number][-1].split()[0]


def test_a_vikar_without_email_signs_in_with_a_code_by_sms(page: Page, live_server, vikar):
    page.goto("/login")
    page.get_by_role("link", name="Logg inn med kode på SMS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logg inn med kode på SMS")
    assert_accessible(page)

    page.get_by_label("Mobilnummer").fill("22 22 22 22")
    page.get_by_role("button", name="Send meg en kode").click()
    expect(page.get_by_label("Mobilnummer")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_contain_text("«22 22 22 22» er ikke et norsk mobilnummer.")
    assert_accessible(page)

    page.get_by_label("Mobilnummer").fill("912 34 567")
    page.get_by_role("button", name="Send meg en kode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv koden fra SMS-en")
    assert_accessible(page)

    page.get_by_label("Koden fra SMS-en").fill(code_sent_to(live_server, NUMBER))
    page.get_by_role("button", name="Logg inn", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hei, {VIKAR}")
    assert_accessible(page)


def test_a_manager_makes_a_printed_code_that_signs_in(page: Page, live_server, make_context):
    nurse = live_server.org.nurse
    sign_in(page, live_server.org.manager.email)
    page.goto(f"/people/{nurse.id}/sign-in-code")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Engangskode for {nurse.name}")
    assert_accessible(page)
    page.get_by_role("button", name="Lag engangskode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Innlogging til Lærevakt for {nurse.name}"
    )
    assert_accessible(page)
    code = page.locator(".card-code").inner_text()

    other = make_context().new_page()
    other.goto("/login")
    other.get_by_role("link", name="Logg inn med engangskode").click()
    assert_accessible(other)
    other.get_by_label("Engangskode").fill(code)
    other.get_by_role("button", name="Logg inn", exact=True).click()
    expect(other.get_by_role("heading", level=1)).to_have_text(f"Hei, {nurse.name}")
