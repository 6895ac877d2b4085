"""Signing in through the municipality's OpenID provider in a phone's browser: a real provider
(oidc-provider-mock) on 127.0.0.1, whose authorize page the test answers as the person would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from lms.extensions import db
from lms.organisation.models import Person
from lms.sso.models import SsoIdentity
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE, TIMEOUT_MS, LiveServer, serving
from tests.browser.helpers import sign_out
from tests.support.oidc_provider import Provider, app_settings, running_provider

pytestmark = pytest.mark.browser

SUBJECT = "feide-nils-browser"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory, fast_password_hashing, provider) -> Iterator[LiveServer]:
    settings = app_settings(provider, OIDC_NAME="Feide")
    with serving(tmp_path_factory.mktemp("browser-sso"), "browser_sso", settings) as server:
        yield server


@pytest.fixture
def sso_page(browser: Browser, sso_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(**PHONE, base_url=sso_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def sign_in_with_feide(page: Page, subject: str | None) -> None:
    """From the login page, through the provider's authorize page (None: press "Deny")."""
    page.goto("/login")
    page.get_by_role("link", name="Logg inn med Feide").click()
    if subject is None:
        page.get_by_role("button", name="Deny").click()
    else:
        page.get_by_placeholder("sub").fill(subject)
        page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state()


def people_and_identities(server: LiveServer) -> tuple[int, list[tuple[str, str, int]]]:
    with server.app.app_context():
        people = db.session.scalar(sa.select(sa.func.count()).select_from(Person))
        rows = db.session.execute(
            sa.select(SsoIdentity.issuer, SsoIdentity.subject, SsoIdentity.person_id)
        )
        identities = [tuple(row) for row in rows]
        db.session.remove()
    return people, identities


def test_signing_in_twice_through_the_provider_finds_the_same_person(
    sso_page: Page, sso_server: LiveServer, provider: Provider
):
    nurse = sso_server.org.nurse
    provider.set_claims(SUBJECT, email=nurse.email, email_verified=True, name="Nils fra Feide")
    people_before, _ = people_and_identities(sso_server)

    sso_page.goto("/login")
    expect(sso_page.get_by_role("link", name="Logg inn med Feide")).to_be_visible()
    assert_accessible(sso_page)

    sign_in_with_feide(sso_page, SUBJECT)
    expect(sso_page).to_have_url(f"{sso_server.url}/")
    expect(sso_page.get_by_role("heading", level=1)).to_have_text(f"Hei, {nurse.name}")
    assert_accessible(sso_page)
    assert people_and_identities(sso_server) == (
        people_before,
        [(provider.issuer, SUBJECT, nurse.id)],
    )

    sign_out(sso_page)
    expect(sso_page.get_by_role("heading", level=1)).to_have_text("Logg inn")

    sign_in_with_feide(sso_page, SUBJECT)
    expect(sso_page.get_by_role("heading", level=1)).to_have_text(f"Hei, {nurse.name}")
    assert people_and_identities(sso_server) == (
        people_before,
        [(provider.issuer, SUBJECT, nurse.id)],
    )


def test_cancelling_at_the_provider_explains_and_offers_a_way_back(sso_page: Page, sso_server):
    sign_in_with_feide(sso_page, None)
    expect(sso_page.get_by_role("heading", level=1)).to_have_text("Innloggingen ble avbrutt")
    expect(sso_page.get_by_text("Du avbrøt innloggingen hos Feide.")).to_be_visible()
    assert_accessible(sso_page)

    sso_page.get_by_role("link", name="Til innloggingssiden").click()
    expect(sso_page.get_by_role("heading", level=1)).to_have_text("Logg inn")
