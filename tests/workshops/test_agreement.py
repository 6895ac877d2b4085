"""A reflection-group series (four sessions, 80 %: three make it complete) read back from every view
that speaks of a participant: "Mine samlinger", the facilitator's series page, /competence/me, the
manager's matrix, the credentials wallet, and the statements. The series is linked to the test
module, so its completion is evidence for TEST-1, which the zone requires."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask_babel import format_date

from lms.competence import services as competence
from lms.core.time import local_zone
from lms.db import utcnow
from lms.extensions import db
from lms.introduction import services as intro
from lms.introduction.models import DueRule, ItemKind
from lms.organisation.models import Role, Unit
from lms.workshops import attendance
from lms.workshops.models import WorkshopModule
from tests.conftest import PASSWORD, add_person
from tests.support.frameworks import import_test_framework
from tests.workshops.conftest import make_series, outbox_statements, verb
from tests.workshops.test_series import tick

TITLE = "Refleksjonsgruppe: digital hverdag"


@pytest.fixture
def series(app, org, fixture_module):
    """Three sessions held in the past weeks, the fourth started ten minutes ago (its door open)."""
    now = utcnow().replace(microsecond=0)
    starts = [now - timedelta(weeks=6 - 2 * n) for n in range(3)] + [now - timedelta(minutes=10)]
    with app.test_request_context():
        test_1 = import_test_framework()
        zone = db.session.get(Unit, org.zone.id)
        competence.add_requirement(test_1, zone, 2, validity_months=12)
        add_person("Mona Sone", "mona.sone@testvik.no", zone, Role.MANAGER)
        group = make_series(org, starts=starts, extra_staff=3)
        group.series().module_links = [WorkshopModule(module_id=fixture_module, position=0)]
        db.session.commit()
    return group


def door(client, app, group, index: int):
    with app.app_context():
        session = group.session(index)
        url = f"/workshops/sessions/{session.id}/check-in/{session.check_in_token}"
    response = client.submit(url)
    assert response.status_code == 302, response.get_data(as_text=True)


def ticked_in(client, org, group, sessions: int):
    """Ansatt 0, ticked in by the facilitator at the first ``sessions`` sessions."""
    person = group.people[1]
    client.sign_in(org.facilitator)
    for index in range(sessions):
        tick(client, group, index, [person])
    return person


def what_is_said(app, org, make_client, group, person) -> dict[str, object]:
    """Each view's word on ``person``'s completion of the series."""
    phone = make_client()
    phone.sign_in(person)
    mine = phone.get("/workshops/").get_data(as_text=True)
    mine_item = mine.split(TITLE, 1)[1].split("</li>", 1)[0] if TITLE in mine else ""
    facilitator = make_client()
    facilitator.sign_in(org.facilitator)
    manage = facilitator.get(f"/workshops/units/{org.zone.id}/series/{group.series_id}")
    row = next(r for r in manage.get_data(as_text=True).split("<tr") if person.name in r and "<td" in r)
    manager = make_client()
    manager.sign_in_with("mona.sone@testvik.no", PASSWORD)
    matrix = manager.get(f"/reports/units/{org.zone.id}/matrix.csv").data.decode("utf-8-sig")
    cell = next(li for li in matrix.splitlines() if li.startswith(person.name + ";")).split(";")[2]
    wallet = phone.get("/credentials/me").get_data(as_text=True).split("<main", 1)[1]
    credentials = re.findall(r'<li class="status-card credential">(.*?)</li>', wallet, re.S)
    live = [c for c in credentials if "Trukket tilbake" not in c]
    with app.app_context():
        statements = [s for s in outbox_statements() if s["actor"]["account"]["name"] == person.uuid]
        voided = {s["object"]["id"] for s in outbox_statements() if verb(s) == "voided"}
    completed = [s for s in statements if verb(s) == "completed" and s["id"] not in voided]
    return {
        "mine": "Fullført" in mine_item,
        "facilitator": "fullført" in row,
        "evidence": "Samlingsrekke fullført" in phone.get("/competence/me").get_data(as_text=True),
        "matrix": cell.split(" ")[0],
        "credentials": sorted(re.search(r"<h3[^>]*>([^<]+)</h3>", c).group(1) for c in live),
        "statement": len(completed),
        "attended": sum(1 for s in statements if verb(s) == "attended" and s["id"] not in voided),
        "earned": sum(1 for s in statements if verb(s) == "earned" and s["id"] not in voided),
    }


COMPLETE = {"mine": True, "facilitator": True, "evidence": True, "matrix": "Oppfylt"}
COMPLETE.update({"credentials": [TITLE, "Testkompetanse"], "statement": 1, "earned": 2})
NOT_COMPLETE = {"mine": False, "facilitator": False, "evidence": False, "matrix": "Mangler"}
NOT_COMPLETE.update({"credentials": [], "statement": 0, "earned": 0})


def test_all_three_of_four_and_two_of_four_agree_everywhere(app, org, client, series, make_client):
    """Aisha comes to all four (the last by the QR code at the door); Ansatt 0 to the first three;
    Ansatt 1 to two."""
    aisha, faithful, busy = series.people[0], series.people[1], series.people[2]
    client.sign_in(org.facilitator)
    tick(client, series, 0, [aisha, faithful, busy])
    tick(client, series, 1, [aisha, faithful])
    tick(client, series, 2, [aisha, faithful, busy])
    phone = make_client()
    phone.sign_in(aisha)
    door(phone, app, series, 3)
    client.submit(f"/workshops/units/{org.zone.id}/series/{series.series_id}/close")

    assert what_is_said(app, org, make_client, series, aisha) == {**COMPLETE, "attended": 4}
    assert what_is_said(app, org, make_client, series, faithful) == {**COMPLETE, "attended": 3}
    assert what_is_said(app, org, make_client, series, busy) == {**NOT_COMPLETE, "attended": 2}


def test_a_tick_withdrawn_below_the_share_takes_the_completion_back_everywhere(
    app, org, client, series, make_client
):
    with app.app_context():  # the series is an item of the zone's introduction programme
        programme = intro.create_programme(org.zone.id, "Ny i sonen", None, db.session.merge(org.admin))
        intro.add_item(programme, ItemKind.WORKSHOP, TITLE, DueRule.DAYS, 60, series_id=series.series_id)
        intro.enrol_joiners([(series.people[1].id, org.zone.id)])
        db.session.commit()
    person = ticked_in(client, org, series, 3)
    assert what_is_said(app, org, make_client, series, person) == {**COMPLETE, "attended": 3}
    phone = make_client()
    phone.sign_in(person)
    assert "1 av 1 gjort" in phone.get("/").get_data(as_text=True)

    tick(client, series, 2, [])  # a mistake: they were not there

    assert what_is_said(app, org, make_client, series, person) == {**NOT_COMPLETE, "attended": 2}
    assert "0 av 1 gjort" in phone.get("/").get_data(as_text=True)


def test_closing_after_two_sessions_held_completes_who_came_to_both_everywhere(
    app, org, client, series, make_client
):
    person = ticked_in(client, org, series, 2)
    assert what_is_said(app, org, make_client, series, person) == {**NOT_COMPLETE, "attended": 2}
    with app.test_request_context():
        attendance.close_series(series.series(), now=series.session(2).starts_at - timedelta(days=1))
        db.session.commit()

    assert what_is_said(app, org, make_client, series, person) == {**COMPLETE, "attended": 2}


def test_a_list_filled_in_afterwards_dates_the_attendance_and_the_completion_by_the_sessions(
    app, org, client, series, make_client
):
    """The facilitator fills in the lists of three past sessions today: the statements, the
    completion and its evidence say when the meetings were, not when the list was saved."""
    person = ticked_in(client, org, series, 3)
    with app.app_context():
        sessions = [series.session(n) for n in range(3)]
        windows = [(s.starts_at, s.ends_at) for s in sessions]
        statements = [s for s in outbox_statements() if s["actor"]["account"]["name"] == person.uuid]
    attended = sorted(s["timestamp"] for s in statements if verb(s) == "attended")
    for stamp, (starts, ends) in zip(attended, windows, strict=True):
        assert starts <= datetime.fromisoformat(stamp.replace("Z", "+00:00")) <= ends
    (completed,) = [s for s in statements if verb(s) == "completed"]
    starts, ends = windows[2]  # the third of four: where 80 % was reached
    assert starts <= datetime.fromisoformat(completed["timestamp"].replace("Z", "+00:00")) <= ends
    phone = make_client()
    phone.sign_in(person)
    mine = phone.get("/competence/me").get_data(as_text=True)
    with app.test_request_context():
        day = format_date(ends.astimezone(local_zone()).date())
    assert f"<dd>{day}</dd>" in mine
