"""What a group run gives each person, said the same way on their phone, on the facilitator's close
screen, on their own "Mine" and in the manager's report; and a facilitator's way in.

The test module has 10 cards; cards 3-6 are its four questions (pass mark 75 %). Each test makes a
unit of its own under the facilitator's zone, with a manager, its people and the module assigned,
so the report's counts are of these people only.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from lms.assignments.services import assign_to_unit
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Role, Unit, UnitKind
from lms.organisation.services import create_unit
from tests.browser.axe import assert_accessible
from tests.browser.helpers import join_group_run, sign_in, start_group_run
from tests.conftest import add_person

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}
MODULE = "alle-korttyper"
RIGHT = {  # card number: how to answer it right
    3: lambda p: p.get_by_label("Logger ut eller låser skjermen").check(),
    5: lambda p: p.get_by_label("Usant").check(),
}


@dataclass
class Team:
    unit_id: int
    unit_name: str
    manager: str
    people: list[tuple[str, str]]
    """(name, e-mail) of each staff member."""


def make_team(live_server, count: int) -> Team:
    """A unit under the facilitator's zone with a manager, ``count`` staff and the module assigned."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        zone = db.session.get(Unit, live_server.org.zone.id)
        unit = create_unit(f"Lag {tag}", UnitKind.UNIT, zone)
        manager = add_person(f"Leder {tag}", f"leder-{tag}@testvik.no", unit, Role.MANAGER)
        people = [
            add_person(f"Deltaker {tag} {n}", f"deltaker-{tag}-{n}@testvik.no", unit, Role.STAFF)
            for n in range(count)
        ]
        assign_to_unit(MODULE, unit, local_today())
        db.session.commit()
        team = Team(unit.id, unit.name, manager.email, [(p.name, p.email) for p in people])
        db.session.remove()
    return team


def start_run(screen: Page, live_server, team: Team) -> str:
    code = start_group_run(screen, live_server.org.facilitator.email, team.unit_name, MODULE)
    expect(screen.get_by_role("heading", level=1)).to_have_text("Kort 1 av 10")
    return code


def join(make_context, email: str, code: str) -> Page:
    phone = join_group_run(make_context().new_page(), email, code)
    expect(phone.locator("[data-group-heading]")).to_contain_text("av 10")
    return phone


def next_card(screen: Page, number: int, phones=()) -> None:
    screen.get_by_role("button", name="Neste kort").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text(f"Kort {number} av 10")
    for phone in phones:
        expect(phone.locator("[data-group-heading]")).to_have_text(f"Kort {number} av 10")


def answer(phone: Page, card: int, right: bool = True) -> None:
    if right:
        RIGHT[card](phone)
    else:
        phone.locator("input[type=radio]").first.check()
    phone.get_by_role("button", name="Svar", exact=True).click()
    expect(phone.get_by_text("Svaret ditt er med.")).to_be_visible()


def close(screen: Page) -> Page:
    screen.get_by_role("link", name="Avslutt økten").click()
    screen.get_by_role("button", name="Avslutt økten").click()
    expect(screen.get_by_role("heading", level=1)).to_contain_text("Resultater")
    return screen


def phone_says(phone: Page) -> str:
    expect(phone.locator("[data-group-heading]")).to_have_text("Økten er avsluttet")
    return phone.locator("main [data-standing]").inner_text().strip()


def close_screen_says(screen: Page, name: str) -> str:
    """The heading (a standing, "Bestått (2)") of the close screen's list that holds ``name``."""
    section = screen.locator("section").filter(has=screen.get_by_text(name, exact=True))
    heading = section.get_by_role("heading", level=2).inner_text()
    return re.sub(r" \(\d+\)$", "", heading)


def home_says(make_context, email: str) -> str:
    page = make_context().new_page()
    sign_in(page, email)
    page.goto("/")
    found = page.get_by_role("link").filter(has_text="Alle korttyper").locator("[data-standing]")
    texts = {t.strip() for t in found.all_inner_texts()}
    assert len(texts) == 1, texts
    assert_accessible(page)
    return texts.pop()


def report_says(make_context, team: Team) -> dict[str, int]:
    """The manager's report of the team's unit: each standing column's count for the module."""
    page = make_context(**DESKTOP).new_page()
    sign_in(page, team.manager)
    page.goto(f"/reports/units/{team.unit_id}")
    table = page.get_by_role("region", name="Gjennomføring per tildeling").get_by_role("table")
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    row = table.get_by_role("row").filter(has_text="Alle korttyper")
    cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
    found = dict(zip(headers, cells, strict=True))
    assert_accessible(page)
    done = int(found["Bestått / Fullført"].split(" / ")[0])
    return {
        "Bestått": done,
        "Fullført, ikke bestått": int(found["Fullført, ikke bestått"]),
        "Deltatt": int(found["Deltatt"]),
        "Påbegynt": int(found["Påbegynt"]),
    }


def test_a_latecomer_and_a_leaver_are_told_what_the_close_screen_home_and_report_say(
    live_server, make_context
):
    team = make_team(live_server, 3)
    (stay_name, stay_email), (leave_name, leave_email), (late_name, late_email) = team.people
    screen = make_context(**DESKTOP).new_page()
    code = start_run(screen, live_server, team)
    stayer, leaver = join(make_context, stay_email, code), join(make_context, leave_email, code)
    next_card(screen, 2, [stayer, leaver])
    next_card(screen, 3, [stayer, leaver])
    answer(stayer, 3, right=False)
    answer(leaver, 3)
    leaver.get_by_role("button", name="Forlat økten").click()  # leaves at card 3
    expect(leaver.get_by_role("heading", level=1)).to_have_text("Du har forlatt økten")
    next_card(screen, 4, [stayer])
    next_card(screen, 5, [stayer])
    latecomer = join(make_context, late_email, code)  # joins at card 5
    expect(latecomer.locator("[data-group-heading]")).to_have_text("Kort 5 av 10")
    answer(latecomer, 5)
    next_card(screen, 6, [stayer, latecomer])
    for item, place in (("oppdag", "1"), ("sikre", "2"), ("melde", "3")):
        latecomer.locator(f"select[name=position-{item}]").select_option(place)
    latecomer.get_by_role("button", name="Svar", exact=True).click()
    expect(latecomer.get_by_text("Svaret ditt er med.")).to_be_visible()
    for number in range(7, 11):
        next_card(screen, number, [latecomer])
    close(screen)
    assert_accessible(screen)
    late_on_screen = screen.get_by_text(late_name, exact=True)
    expect(late_on_screen).to_be_hidden()  # the close page may be on the shared screen
    for names in screen.get_by_text("Vis navnene", exact=True).all():
        names.click()
    expect(late_on_screen).to_be_visible()

    said = {
        name: phone_says(phone)
        for name, phone in ((stay_name, stayer), (leave_name, leaver), (late_name, latecomer))
    }
    assert said == {
        stay_name: "Fullført, ikke bestått",
        leave_name: "Påbegynt",
        late_name: "Bestått",
    }
    expect(latecomer.get_by_text("Du var med på 6 av 10 kort som ble vist.")).to_be_visible()
    expect(leaver.get_by_text("Du var med på 3 av 10 kort som ble vist.")).to_be_visible()
    assert_accessible(latecomer)
    for name, standing in said.items():
        assert close_screen_says(screen, name) == standing
    assert home_says(make_context, late_email) == said[late_name]
    assert home_says(make_context, leave_email) == said[leave_name]
    assert home_says(make_context, stay_email) == said[stay_name]
    counts = report_says(make_context, team)
    assert counts == {"Bestått": 1, "Fullført, ikke bestått": 1, "Deltatt": 0, "Påbegynt": 1}

    latecomer.get_by_role("link", name="Se resultatet").click()
    expect(latecomer.get_by_role("heading", level=1)).to_have_text("Du har bestått «Alle korttyper»")
    stayer.get_by_role("link", name="Se hva du bommet på").click()
    expect(stayer.get_by_role("heading", name="Dette bommet du på")).to_be_visible()
    expect(stayer.get_by_role("button", name="Prøv igjen")).to_be_visible()
    assert_accessible(stayer)


def test_a_run_closed_early_gives_nobody_a_false_pass_or_a_false_fail(live_server, make_context):
    team = make_team(live_server, 2)
    (right_name, right_email), (wrong_name, wrong_email) = team.people
    screen = make_context(**DESKTOP).new_page()
    code = start_run(screen, live_server, team)
    right, wrong = join(make_context, right_email, code), join(make_context, wrong_email, code)
    next_card(screen, 2, [right, wrong])
    next_card(screen, 3, [right, wrong])
    answer(right, 3)
    answer(wrong, 3, right=False)
    close(screen)  # on card 3: one of the four questions shown

    for name, phone in ((right_name, right), (wrong_name, wrong)):
        assert phone_says(phone) == "Deltatt"
        assert close_screen_says(screen, name) == "Deltatt"
    expect(screen.locator("[data-standing=passed], [data-standing=failed]")).to_have_count(0)
    expect(right.get_by_text("Du fikk 100 % riktig på spørsmålene du var med på.")).to_be_visible()
    assert home_says(make_context, right_email) == "Deltatt"
    assert home_says(make_context, wrong_email) == "Deltatt"
    counts = report_says(make_context, team)
    assert counts == {"Bestått": 0, "Fullført, ikke bestått": 0, "Deltatt": 2, "Påbegynt": 0}


def new_facilitator(live_server) -> str:
    """A facilitator of the zone of their own, so with no group run open whatever tests ran before
    (the shared one may have left some); returns the e-mail to sign in with."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        zone = db.session.get(Unit, live_server.org.zone.id)
        email = add_person(f"Veileder {tag}", f"veileder-{tag}@testvik.no", zone, Role.FACILITATOR).email
        db.session.commit()
        db.session.remove()
    return email


def test_a_facilitator_reaches_a_new_group_run_from_the_menu_in_two_taps(live_server, make_context):
    page = make_context().new_page()
    sign_in(page, new_facilitator(live_server))  # a facilitator, not a manager
    page.goto("/")
    expect(
        page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Rapporter")
    ).to_have_count(0)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Gruppeøkter").tap()
    page.get_by_role("button", name="Start gruppeøkt").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kort 1 av 10")
    expect(page).to_have_url(re.compile(r"/groups/runs/\d+$"))
    page.goto("/")
    expect(page.get_by_role("link", name=re.compile("Alle korttyper.*Åpen gruppeøkt"))).to_be_visible()
    page.goto(f"/learn/{MODULE}")
    page.get_by_role("link", name="Kjør i gruppe").tap()
    expect(page.get_by_label("Modul")).to_have_value(MODULE)
    assert_accessible(page)
