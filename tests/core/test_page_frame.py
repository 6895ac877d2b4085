"""The page frame (menu, language, sign-out) and what a card page costs: the roles behind the menu
come with the signed-in person, the templates' texts follow the person's language, and a card page
runs a fixed, small number of queries."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from lms.content.models import LearningModule
from lms.core import setup
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment
from lms.organisation.services import grant_role, revoke_role
from tests.learning.test_player import start


def menu(client) -> list[str]:
    return menu_of(client.get("/").get_data(as_text=True))


def menu_of(page: str) -> list[str]:
    nav = re.search(r'<ul class="nav-list">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r">([^<]+)</a>", nav)


def test_the_menu_shows_reports_and_administration_from_the_page_after_the_role_is_granted(
    client, org, app
):
    client.sign_in(org.nurse)
    assert "Rapporter" not in menu(client) and "Administrasjon" not in menu(client)

    with app.app_context():
        grant_role(db.session.get(Person, org.nurse.id), org.ward, Role.MANAGER)
        db.session.commit()
    assert "Rapporter" in menu(client) and "Administrasjon" not in menu(client)

    with app.app_context():
        grant_role(db.session.get(Person, org.nurse.id), org.ward, Role.ADMIN)
        db.session.commit()
    assert {"Rapporter", "Administrasjon"} <= set(menu(client))

    with app.app_context():
        for assignment in db.session.scalars(
            sa.select(RoleAssignment).where(
                RoleAssignment.person_id == org.nurse.id, RoleAssignment.role != Role.STAFF
            )
        ):
            revoke_role(assignment)
        db.session.commit()
    assert "Rapporter" not in menu(client) and "Administrasjon" not in menu(client)
    assert client.get("/reports/").status_code == 403


def test_the_frame_speaks_the_language_the_person_chose(client, org):
    client.sign_in(org.manager)
    assert "Min konto" in menu(client)

    client.submit("/language", {"language": "en", "next": "/"})
    page = client.get("/").get_data(as_text=True)
    assert {"My account", "Reports"} <= set(menu(client))
    assert 'aria-label="Main menu"' in page and "Sign out" in page


def test_a_person_signed_out_everywhere_is_signed_out_here_too(make_client, org):
    here, elsewhere = make_client(), make_client()
    here.sign_in(org.nurse)
    elsewhere.sign_in(org.nurse)
    elsewhere.submit("/logout/everywhere")
    assert here.get("/").status_code == 302


@pytest.mark.parametrize(
    "who",
    ["nurse", "manager", "admin"],
)
def test_a_card_page_runs_three_queries_whatever_the_roles(
    client, org, fixture_module, count_queries, who
):
    client.sign_in(getattr(org, who))
    attempt_id = start(client, fixture_module)
    client.get(f"/attempts/{attempt_id}/cards/2")

    with count_queries() as counted:
        page = client.get(f"/attempts/{attempt_id}/cards/2")
    assert page.status_code == 200
    # full screen while learning: no menu to vary with the roles (it is back on the done page)
    assert 'class="nav-list"' not in page.get_data(as_text=True)
    # the person with their roles, the attempt with its version, its answers; and the savepoint and
    # its release that stand in for the request's transaction in these tests
    assert counted.n == 3 + 2


@pytest.mark.parametrize(
    ("who", "owns_the_module"),
    [("nurse", False), ("nurse", True), ("manager", False), ("admin", False)],
)
def test_a_module_start_page_runs_two_queries_for_the_menu_and_the_page(
    client, org, app, fixture_module, count_queries, who, owns_the_module
):
    person = getattr(org, who)
    if owns_the_module:
        with app.app_context():
            db.session.get(LearningModule, fixture_module).owner_id = person.id
            db.session.commit()
    client.sign_in(person)
    start(client, fixture_module)
    client.get(f"/learn/{fixture_module}")

    with count_queries() as counted:
        page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    # the menu follows the roles and owning a module, read with the person
    assert ("Modulstatistikk" in menu_of(page)) == (owns_the_module or who == "admin")
    assert "Fortsett der du slapp" in page
    # the person with their roles and whether they own a module; the module's current version
    # with the open attempt's card (both on the driver's connection); for those who lead people
    # the counts of its practice cards and the units they act on, in the session's transaction:
    # its savepoint and release
    expected = {"nurse": 2, "manager": 4 + 2, "admin": 5 + 2}[who]
    assert counted.n == expected


def form_tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', page))


def test_a_session_s_form_token_is_signed_once_and_still_accepted(make_client, org, app, monkeypatch):
    here, elsewhere = make_client(), make_client()
    here.sign_in(org.nurse)
    elsewhere.sign_in(org.nurse)
    first = form_tokens(here.get("/").get_data(as_text=True))
    assert len(first) == 1
    later = time.time() + 5  # a token signed now would differ: the signature holds the time
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert form_tokens(here.get("/").get_data(as_text=True)) == first
    assert form_tokens(elsewhere.get("/account").get_data(as_text=True)).isdisjoint(first)
    (token,) = first
    answer = here.post("/language", data={"csrf_token": token, "language": "en", "next": "/"})
    assert answer.status_code == 302
    assert here.post("/language", data={"language": "nb", "next": "/"}).status_code == 400


def test_a_page_whose_form_signed_a_token_shows_that_one_and_so_do_later_pages(client, org, monkeypatch):
    """A form made by the view signs its token (Flask-WTF) before the page's footer asks for one:
    the page holds one token, not the form's and an older one kept from an earlier page."""
    client.sign_in(org.nurse)
    earlier = form_tokens(client.get("/").get_data(as_text=True))
    later = time.time() + 5
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    with_form = form_tokens(client.get("/account").get_data(as_text=True))
    assert len(with_form) == 1 and with_form != earlier
    assert form_tokens(client.get("/").get_data(as_text=True)) == with_form


def test_form_tokens_that_expire_are_signed_for_each_page(client, org, app, monkeypatch):
    client.sign_in(org.nurse)
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    monkeypatch.setattr(setup, "_signed_form_tokens", {})
    assert len(form_tokens(client.get("/account").get_data(as_text=True))) == 1
    assert setup._signed_form_tokens == {}
