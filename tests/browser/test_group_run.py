"""A group run in the browser: the facilitator on a laptop, three participants on their phones.

Phones join by code and by the QR link, one joins late and lands on the current card, the group's
answers appear on the shared screen without a reload, one participant leaves, the facilitator ticks
in someone without a phone, closes the run, and the phones follow to the end.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from lms.db import utcnow
from lms.extensions import db
from lms.groups.models import GroupParticipant, GroupRun
from lms.learning.models import Answer
from lms.organisation.models import Person, Role, Unit
from tests.browser.axe import assert_accessible
from tests.browser.helpers import join_group_run, sign_in, start_group_run
from tests.conftest import add_person
from xapi.outbox import outbox

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False}


def make_people(live_server, count: int) -> list[tuple[str, str]]:
    """New staff in the facilitator's zone (unique per run, so the server's data stays usable)."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        zone = db.session.get(Unit, live_server.org.zone.id)
        made = [
            add_person(f"Gruppe {tag} {n}", f"gruppe-{tag}-{n}@testvik.no", zone, Role.STAFF)
            for n in range(count)
        ]
        db.session.commit()
        people = [(p.name, p.email) for p in made]
        db.session.remove()
    return people


def card_heading(page: Page):
    return page.locator("[data-group-heading]")


def test_a_facilitator_and_three_phones_run_a_module_together(live_server, make_context):
    (b_name, b_email), (c_name, c_email), (t_name, _t_email) = make_people(live_server, 3)

    screen = make_context(**DESKTOP).new_page()
    sign_in(screen, live_server.org.facilitator.email)
    screen.goto("/groups")
    screen.get_by_label("Modul").select_option(value="alle-korttyper")
    screen.get_by_label("Gruppe", exact=True).select_option(label=live_server.org.zone.name)
    screen.get_by_role("button", name="Start gruppeøkt").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text("Kort 1 av 10")
    code = screen.locator(".group-code [aria-hidden=true]").inner_text().strip()
    expect(screen.get_by_role("img", name=re.compile(f"QR-kode .* {code}"))).to_be_visible()
    assert_accessible(screen)
    run_id = int(re.search(r"/groups/runs/(\d+)", screen.url).group(1))

    # Two phones join by typing the code.
    phone_a = make_context().new_page()
    sign_in(phone_a, live_server.org.assistant.email)
    phone_a.goto("/join")
    assert_accessible(phone_a)
    phone_a.get_by_label("Kode").fill(code.lower())
    phone_a.get_by_role("button", name="Bli med").click()
    expect(card_heading(phone_a)).to_have_text("Kort 1 av 10")

    phone_b = make_context().new_page()
    sign_in(phone_b, b_email)
    phone_b.goto("/join")
    phone_b.get_by_label("Kode").fill(code)
    phone_b.get_by_role("button", name="Bli med").click()
    expect(card_heading(phone_b)).to_have_text("Kort 1 av 10")

    # The facilitator moves on; the phones follow without a reload.
    screen.get_by_role("button", name="Neste kort").click()
    expect(card_heading(phone_a)).to_have_text("Kort 2 av 10")
    screen.get_by_role("button", name="Neste kort").click()
    expect(screen.get_by_role("heading", level=1)).to_have_text("Kort 3 av 10")
    for phone in (phone_a, phone_b):
        expect(card_heading(phone)).to_have_text("Kort 3 av 10")
        expect(phone.locator("[data-group-announce]")).to_have_text("Nytt kort: Kort 3 av 10")

    # A latecomer scans the QR code: the link, sign-in, one press, and the current card.
    phone_c = make_context().new_page()
    phone_c.goto(f"/join/{code}")
    expect(phone_c).to_have_url(re.compile("/login"))
    phone_c.get_by_label("E-post", exact=True).fill(c_email)
    phone_c.get_by_label("Passord", exact=True).fill("riktig-passord-123")
    phone_c.get_by_role("button", name="Logg inn", exact=True).click()
    phone_c.get_by_role("button", name="Bli med").click()
    expect(card_heading(phone_c)).to_have_text("Kort 3 av 10")
    expect(phone_c.get_by_text("Hva gjør du når du går fra en delt PC?")).to_be_visible()
    assert_accessible(phone_c)

    # Everyone answers on their phone; the screen shows the counts, never who.
    expect(screen.get_by_text("Svarene vises når minst 3 har svart.")).to_be_visible()
    for phone, label in [
        (phone_a, "Logger ut eller låser skjermen"),
        (phone_b, "Logger ut eller låser skjermen"),
        (phone_c, "Lar den stå pålogget til neste vakt"),
    ]:
        phone.get_by_label(label).check()
        phone.get_by_role("button", name="Svar", exact=True).click()
        expect(phone.get_by_text("Svaret ditt er med.")).to_be_visible()
    table = screen.get_by_role("table", name="Gruppens svar (anonymt)")
    expect(table).to_be_visible()
    expect(screen.locator(".group-room")).to_have_text("3 med · 3 har svart")
    expect(table.get_by_role("row", name=re.compile("Logger ut eller låser skjermen"))).to_contain_text(
        "2"
    )
    screen.get_by_text("Vis riktig svar").click()
    expect(screen.get_by_text("67 % svarte riktig (2 av 3).")).to_be_visible()
    page_text = screen.locator("main").inner_text()
    assert b_name not in page_text and c_name not in page_text
    assert_accessible(screen)

    # One leaves before the end; someone without a phone is ticked in.
    phone_b.get_by_role("button", name="Forlat økten").click()
    expect(phone_b.get_by_role("heading", level=1)).to_have_text("Du har forlatt økten")
    screen.get_by_role("link", name="Deltakere").click()
    screen.get_by_role("button", name=f"Kryss inn {t_name}").click()
    expect(screen.get_by_text("krysset inn uten telefon")).to_be_visible()
    screen.get_by_role("link", name="Tilbake til skjermen").click()

    # A reflection is talked about; then the end.
    for _ in range(4):
        screen.get_by_role("button", name="Neste kort").click()
    expect(card_heading(phone_a)).to_have_text("Kort 7 av 10")
    expect(phone_a.get_by_text("Snakk sammen om dette")).to_be_visible()
    expect(phone_a.locator("textarea")).to_have_count(0)
    screen.get_by_role("link", name="Avslutt økten").click()
    expect(screen.get_by_role("heading", name="Fullført, ikke bestått (3)")).to_be_visible()
    expect(screen.get_by_role("heading", name="Påbegynt (1)")).to_be_visible()
    screen.get_by_role("button", name="Avslutt økten").click()
    expect(screen.get_by_text("Økten er avsluttet.", exact=True)).to_be_visible()

    for phone in (phone_a, phone_c):
        expect(card_heading(phone)).to_have_text("Økten er avsluttet")
        expect(phone.locator("main [data-standing]")).to_have_text("Fullført, ikke bestått")
    expect(phone_b.locator("main [data-standing]")).to_have_text("Påbegynt")

    with live_server.app.app_context():
        rows = db.session.execute(
            sa.select(Person.name, GroupParticipant)
            .join(GroupParticipant, GroupParticipant.person_id == Person.id)
            .where(GroupParticipant.run_id == run_id)
        ).all()
        completed = {name: p.attempt.completed for name, p in rows}
        scores = {name: p.attempt.score for name, p in rows}
        assert db.session.get(GroupRun, run_id).closed_at is not None
        db.session.remove()
    assistant = live_server.org.assistant.name
    assert completed == {assistant: True, c_name: True, t_name: True, b_name: False}
    assert scores[assistant] == 0.25 and scores[c_name] == 0.0 and scores[t_name] == 0.0


def test_an_answer_given_offline_is_sent_when_the_network_returns_dated_when_given(
    live_server, make_context
):
    ((_name, email),) = make_people(live_server, 1)
    screen = make_context(**DESKTOP).new_page()
    org = live_server.org
    code = start_group_run(screen, org.facilitator.email, org.zone.name, "alle-korttyper")
    run_id = int(re.search(r"/groups/runs/(\d+)", screen.url).group(1))
    phone = join_group_run(make_context().new_page(), email, code)
    for _ in range(2):
        screen.get_by_role("button", name="Neste kort").click()
    expect(card_heading(phone)).to_have_text("Kort 3 av 10")

    # In the basement: the answer is given, kept on the phone, and said to be kept.
    phone.context.set_offline(True)
    phone.get_by_label("Logger ut eller låser skjermen").check()
    given = utcnow()
    phone.get_by_role("button", name="Svar", exact=True).click()
    kept = phone.locator("[data-group-kept]")
    expect(kept).to_have_text(
        "Du er uten nett. Svaret ditt er tatt vare på og sendes når nettet er tilbake."
    )
    assert_accessible(phone)
    phone.wait_for_timeout(2500)
    with live_server.app.app_context():
        participant = db.session.scalars(
            sa.select(GroupParticipant)
            .join(Person, GroupParticipant.person_id == Person.id)
            .where(GroupParticipant.run_id == run_id, Person.email == email)
        ).one()
        attempt_id, registration = participant.attempt_id, participant.run.uuid
        assert db.session.scalar(sa.select(Answer).filter_by(attempt_id=attempt_id)) is None
        db.session.remove()

    # Back up the stairs: the answer goes, dated when it was given, not when it arrived.
    reconnected = utcnow()
    phone.context.set_offline(False)
    expect(phone.get_by_text("Svaret ditt er med.")).to_be_visible()
    expect(phone.locator("[data-group-kept]")).to_have_count(0)
    with live_server.app.app_context():
        answer = db.session.scalars(sa.select(Answer).filter_by(attempt_id=attempt_id)).one()
        answered_at = answer.answered_at.replace(tzinfo=answer.answered_at.tzinfo or UTC)
        statements = [
            json.loads(row.statement)
            for row in db.session.execute(sa.select(outbox.c.statement).order_by(outbox.c.id))
        ]
        db.session.remove()
    assert answer.card_id == "enkelt" and answer.response == ["b"]
    assert given - timedelta(seconds=1) <= answered_at < reconnected
    (stated,) = [
        s
        for s in statements
        if s["verb"]["id"].endswith("/answered")
        and s.get("context", {}).get("registration") == registration
    ]
    assert datetime.fromisoformat(stated["timestamp"].replace("Z", "+00:00")) == answered_at

    # The run ends, so the facilitator has no open run left for the tests after this one.
    screen.get_by_role("link", name="Avslutt økten").click()
    screen.get_by_role("button", name="Avslutt økten").click()
    expect(screen.get_by_text("Økten er avsluttet.", exact=True)).to_be_visible()
