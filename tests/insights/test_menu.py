"""The menu offers "Modulstatistikk" to whoever may open it: a module's owner with no leading role
too, and no one else without the facilitator or admin role."""

from __future__ import annotations

import re

import pytest

from lms.content.models import LearningModule
from lms.extensions import db

ENTRY = re.compile(r'<a href="(/insights/)">Modulstatistikk</a>')


def menu_entry(client) -> str | None:
    """The address of the menu's "Modulstatistikk" on the home page, if the menu has it."""
    page = client.get("/").get_data(as_text=True)
    menu = page[page.index('aria-label="Hovedmeny"') : page.index("</nav>")]
    found = ENTRY.search(menu)
    return found.group(1) if found else None


@pytest.fixture
def nurse_owns_module(app, org, fixture_module):
    """The nurse, who holds only the staff role, owns the fixture module."""
    with app.app_context():
        db.session.get(LearningModule, fixture_module).owner_id = org.nurse.id
        db.session.commit()


def test_an_owner_without_a_leading_role_finds_the_statistics_in_the_menu(
    client, org, nurse_owns_module
):
    client.sign_in(org.nurse)
    address = menu_entry(client)
    assert address == "/insights/"
    assert "Alle korttyper" in client.get(address).get_data(as_text=True)


def test_staff_who_own_no_module_have_no_such_entry(client, org, fixture_module):
    client.sign_in(org.nurse)
    assert menu_entry(client) is None
    assert client.get("/insights/").status_code == 403


@pytest.mark.parametrize("who", ["facilitator", "admin"])
def test_facilitators_and_admins_have_the_entry(client, org, who):
    client.sign_in(getattr(org, who))
    assert menu_entry(client) == "/insights/"


def test_the_kept_menu_of_an_owner_is_not_shown_to_staff_who_own_nothing(app, org, nurse_owns_module):
    """The menu is rendered once per key and kept: an owner and someone else holding the same
    roles must not share a copy."""
    owner, other = app.test_client(), app.test_client()
    owner.sign_in(org.nurse)
    other.sign_in(org.assistant)
    assert menu_entry(owner) == "/insights/"
    assert menu_entry(other) is None
    assert menu_entry(owner) == "/insights/"
