"""Mikrobevis on a phone: a staff member passes the module that meets their unit's requirement,
finds the credential in the wallet, downloads it as JSON, PNG and PDF, and its share link shows it
valid; after an admin revokes it, the same page shows it revoked. The import page (empty and after a
refused upload) and a unit's module marking page are checked on the way. Each page passes axe at
390 px."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from lms.competence import services as competence
from lms.extensions import db
from lms.organisation.models import Role, Unit, UnitKind
from lms.organisation.services import create_unit
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in, sign_out
from tests.browser.test_player import answer_card, press, progress, start_module
from tests.conftest import add_person
from tests.support.frameworks import import_test_framework

pytestmark = pytest.mark.browser

TITLE = "Testkompetanse"


@pytest.fixture(scope="module")
def learner(live_server) -> dict:
    with live_server.app.app_context():
        code = competence.competences_by_code(["TEST-1"]).get("TEST-1") or import_test_framework("TEST")
        area = db.session.get(Unit, live_server.org.area.id)
        unit = create_unit("Bevisbakken bofellesskap", UnitKind.UNIT, area)
        person = add_person("Bente Bevis", "bente@bevisbakken.no", unit, Role.STAFF, "helsefagarbeider")
        competence.add_requirement(code, unit, 2, validity_months=24)
        db.session.commit()
        made = {"email": person.email, "id": person.id, "unit_id": unit.id}
        db.session.remove()
    return made


def pass_the_module(page: Page) -> None:
    start_module(page)
    press(page, "Neste")
    press(page, "Neste")
    for index in range(2, 10):
        progress(page, index + 1)
        answer_card(page, index)
        if 2 <= index <= 5:
            expect(page.locator(".feedback")).to_contain_text("Riktig!")
            press(page, "Neste")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Du har bestått")


def download(page: Page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=f"{name} – {TITLE}").click()
    return open(info.value.path(), "rb").read()


def check_the_import_page(page: Page) -> None:
    """The import page, empty and after a refused upload, then back to the wallet."""
    page.get_by_role("link", name="Last opp et bevis fra en tidligere arbeidsgiver").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Last opp et mikrobevis")
    assert_accessible(page)
    page.get_by_role("button", name="Sjekk og last opp").click()
    expect(page.get_by_role("alert")).to_contain_text("Beviset ble ikke tatt imot:")
    assert_accessible(page)
    page.get_by_role("link", name="Tilbake til mine mikrobevis").click()


def check_the_module_marking_page(page: Page, unit_id: int) -> None:
    """An admin over the unit sees the modules that may earn a credential there."""
    page.goto(f"/credentials/units/{unit_id}/modules")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Moduler som gir mikrobevis")
    expect(page.get_by_role("group", name="Gir mikrobevis")).to_be_visible()
    assert_accessible(page)


def test_a_credential_from_earning_to_revocation(page: Page, live_server, learner):
    sign_in(page, learner["email"])
    pass_the_module(page)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Mikrobevis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine mikrobevis")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    assert_accessible(page)

    body = json.loads(download(page, "Last ned JSON"))
    assert body["decoded"]["credentialSubject"]["achievement"]["name"] == TITLE
    assert body["verifiableCredential"].count(".") == 2
    assert download(page, "Last ned merke (PNG)").startswith(b"\x89PNG")
    assert download(page, "Last ned kursbevis (PDF)").startswith(b"%PDF")
    check_the_import_page(page)

    share = page.get_by_role("link", name=f"Delingslenke – {TITLE}")
    share_url = share.get_attribute("href")
    share.click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Beviset er gyldig")
    expect(page.get_by_text("Signaturen er ekte, og beviset er ikke endret.")).to_be_visible()
    assert_accessible(page)

    sign_out(page)
    sign_in(page, live_server.org.admin.email)
    check_the_module_marking_page(page, learner["unit_id"])
    page.goto(f"/admin/people/{learner['id']}/credentials")
    assert_accessible(page)
    page.get_by_label("Hvorfor trekkes beviset tilbake?").fill("Registrert på feil person")
    page.get_by_role("button", name=f"Trekk tilbake – {TITLE}").click()
    expect(page.get_by_role("status")).to_contain_text("Beviset er trukket tilbake.")
    expect(page.get_by_text("Registrert på feil person")).to_be_visible()
    assert_accessible(page)

    sign_out(page)
    page.goto(share_url)
    expect(page.get_by_role("heading", level=2)).to_have_text("Beviset er ikke gyldig")
    expect(page.get_by_text("Beviset er trukket tilbake av utstederen.")).to_be_visible()
    assert_accessible(page)
