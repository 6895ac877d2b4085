"""The module library, a module's sources and licence, the facilitator guide and naming a module's
owner, in a phone's browser, checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lms.content import services
from lms.extensions import db
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.content.packages import svg_package

pytestmark = pytest.mark.browser

MODULE = "Alle korttyper"


def test_staff_find_the_library_and_a_modules_sources(page: Page, live_server):
    sign_in(page, live_server.org.nurse.email)
    page.get_by_role("link", name="Alle modulene i modulbiblioteket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modulbiblioteket")
    entry = page.locator(".library-item", has_text=MODULE)
    expect(entry.get_by_text("Fagansvarlig sykepleier")).to_be_visible()
    expect(entry.get_by_role("link", name="CC-BY-4.0")).to_be_visible()
    expect(entry.locator("[data-review]")).to_have_text("Gjeldende")
    assert_accessible(page)
    entry.get_by_role("link", name=MODULE).click()
    about = page.get_by_role("region", name="Om innholdet")
    expect(about.get_by_role("link", name="Helsepersonelloven")).to_be_visible()
    expect(page.get_by_text("Veiledning for deg som leder gruppa")).to_have_count(0)
    assert_accessible(page)


def test_a_facilitator_opens_the_guide_on_the_module_page(page: Page, live_server):
    sign_in(page, live_server.org.facilitator.email)
    page.goto("/modules")
    page.get_by_role("link", name=MODULE).click()
    page.get_by_text("Veiledning for deg som leder gruppa").click()
    expect(page.get_by_text("Stopp ved refleksjonskortet")).to_be_visible()
    assert_accessible(page)


def test_an_admin_names_the_owner(page: Page, live_server):
    sign_in(page, live_server.org.admin.email)
    page.goto("/admin/modules/")
    assert_accessible(page)
    page.locator("section.module-admin", has_text=MODULE).get_by_role("link", name="1.0.0").click()
    page.get_by_label("E-postadressen til eieren").fill("finnes.ikke@testvik.no")
    page.get_by_role("button", name="Lagre eier").click()
    expect(
        page.get_by_text("Fant ingen aktiv person med denne e-postadressen i kommunen.")
    ).to_have_count(2)
    assert_accessible(page)
    page.get_by_label("E-postadressen til eieren").fill(live_server.org.manager.email)
    page.get_by_role("button", name="Lagre eier").click()
    expect(page.get_by_text("Mona Leder er eier av modulen.")).to_be_visible()
    assert_accessible(page)


def test_an_svg_picture_with_its_long_description(page: Page, live_server, tmp_path):
    """The SVG from a package shows in the player at a phone's width, and its long description
    opens under it."""
    folder = svg_package(tmp_path / "bilde-svg")
    with live_server.app.app_context():
        services.install(folder, "test", publish=True)
        db.session.commit()
        db.session.remove()
    sign_in(page, live_server.org.nurse.email)
    page.goto("/learn/bilde-svg")
    page.get_by_role("button", name="Start").click()
    picture = page.get_by_role("img", name="To hender under rennende vann")
    expect(picture).to_be_visible()
    loaded = (
        "img => img.complete ? img.naturalWidth > 0"
        " : new Promise(done => img.addEventListener('load', () => done(img.naturalWidth > 0)))"
    )
    assert picture.evaluate(loaded)  # visible can come before loaded: wait for the load itself
    page.get_by_text("Beskrivelse av bildet").click()
    expect(page.get_by_text("Våt hendene.")).to_be_visible()
    assert_accessible(page)
