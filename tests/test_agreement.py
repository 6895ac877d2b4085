"""Everything the platform says about one person agrees, and is true: a solo module taken through
the player's pages (passed; failed then passed; left with the ×; answered offline and synced late),
then read back from every view that speaks of it: home ("I dag"), the module's start page, the done
page, /competence/me, the manager's unit report, the matrix and its CSV and XLSX exports, and the
xAPI statements in the outbox. And a yearly module passed over a year ago: its new round overdue,
the pass history, everywhere."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import format_date
from openpyxl import load_workbook

from lms.assignments.cycle import add_months
from lms.assignments.models import Assignment
from lms.assignments.services import assign_to_unit
from lms.competence import services as competence
from lms.competence.models import Evidence
from lms.core.time import local_today, local_zone
from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Unit
from lms.testing import CSRF_INPUT
from lms.tracking.profile import VERBS
from tests.learning.test_player import RIGHT, WRONG
from tests.support.frameworks import import_test_framework
from xapi.outbox import outbox

CARDS = 10
CARD_IDS = {2: "enkelt", 3: "flere", 4: "sant", 5: "rekkefolge", 6: "tanker", 7: "mening"}
CARD_IDS.update({8: "trygghet", 9: "prov"})
SCORED = 4  # enkelt, flere, sant, rekkefolge


@pytest.fixture
def setting(app, org, fixture_module):
    """TEST-1 required of the ward at level 2 (the module gives it), the module assigned to the
    ward with a due date a week off."""
    with app.app_context():
        test_1 = import_test_framework()
        ward = db.session.get(Unit, org.ward.id)
        competence.add_requirement(test_1, ward, 2, validity_months=12, renewal_days=60)
        assign_to_unit(fixture_module, ward, local_today() + timedelta(days=7))
        db.session.commit()
    return fixture_module


def signed_in(make_client, org):
    """The nurse's phone and the ward manager's laptop, each signed in."""
    phone, manager = make_client(), make_client()
    phone.sign_in(org.nurse)
    manager.sign_in(org.manager)
    return phone, manager


# The learner's side --------------------------------------------------------------------------------


def start(client, module_id: str) -> int:
    response = client.submit(f"/learn/{module_id}/start")
    found = re.search(r"/attempts/(\d+)/cards/\d+$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def take(client, attempt_id: int, answers: dict, upto: int = CARDS):
    """Answer or pass each card up to (not including) ``upto``, as the buttons without JS do."""
    response = None
    for index in range(upto):
        if index in answers:
            response = client.submit(f"/attempts/{attempt_id}/cards/{index}", answers[index])
            if response.headers["Location"].endswith(f"/cards/{index}"):
                response = client.submit(f"/attempts/{attempt_id}/cards/{index}/next")
        else:
            response = client.submit(f"/attempts/{attempt_id}/cards/{index}/next")
        assert response.status_code == 302
    return response


def take_offline(client, attempt_id: int, answers: dict, given: datetime) -> None:
    """The service worker's way: every answer queued on the phone at ``given`` (a minute apart) and
    sent when the network returns, then the moves the phone made, as JSON."""
    page = client.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True)
    headers = {"X-CSRFToken": CSRF_INPUT.search(page).group(1), "Accept": "application/json"}
    for n, (index, fields) in enumerate(sorted(answers.items())):
        sent = client.post(
            f"/attempts/{attempt_id}/answers",
            json={
                "card_id": CARD_IDS[index],
                "fields": fields,
                "client_id": str(uuid.uuid4()),
                "answered_at": (given + timedelta(minutes=n)).isoformat(),
            },
            headers=headers,
        )
        assert sent.status_code == 201, sent.get_data(as_text=True)
    for index in range(CARDS):
        moved = client.post(f"/attempts/{attempt_id}/cards/{index}/next", headers=headers)
        assert moved.status_code == 200 and moved.get_json()["moved"], moved.get_data(as_text=True)


def home_standing(client, module_id: str) -> tuple[str, str]:
    """The standing home shows for the module (value, label): every place home names it says the
    same (the deadline list, "Påbegynt", "Ta på nytt", "Fullført"). The test org has one module."""
    assert module_id
    found = set(re.findall(r'data-standing="(\w+)">([^<]+)<', home_text(client)))
    assert len(found) == 1, found
    return found.pop()


def home_text(client) -> str:
    return client.get("/").get_data(as_text=True).split("<main")[1]


def start_page(client, module_id: str) -> str:
    return client.get(f"/learn/{module_id}").get_data(as_text=True).split("<main")[1]


def competence_me(client) -> str:
    return client.get("/competence/me").get_data(as_text=True).split("<main")[1]


# The manager's side --------------------------------------------------------------------------------


def unit_report_row(manager, unit_id: int) -> dict[str, str]:
    """The completion table's one row: each standing's cell text."""
    page = manager.get(f"/reports/units/{unit_id}").get_data(as_text=True)
    cells = re.findall(r'<td data-standing="(\w+)"[^>]*>(.*?)</td>', page)
    return {
        standing: re.sub(r"<br>", " · ", re.sub(r"<(?!br>)[^>]+>", "", text)) for standing, text in cells
    }


def unit_report_overdue(manager, unit_id: int) -> int:
    """The completion table's one row: how many are overdue."""
    page = manager.get(f"/reports/units/{unit_id}").get_data(as_text=True)
    found = re.search(r'<td data-label="Forfalt">(?:<strong>)?(\d+)', page)
    return int(found.group(1))


def matrix_cell(manager, unit_id: int, name: str) -> tuple[str, str]:
    """The person's TEST-1 cell in the matrix's CSV and XLSX exports."""
    csv_text = manager.get(f"/reports/units/{unit_id}/matrix.csv").data.decode("utf-8-sig")
    csv_cell = next(line for line in csv_text.splitlines() if line.startswith(name + ";"))
    book = load_workbook(io.BytesIO(manager.get(f"/reports/units/{unit_id}/matrix.xlsx").data))
    sheet = book.worksheets[0]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == name)
    return csv_cell.split(";")[2], row[2]


def audit_line(manager, unit_id: int, name: str) -> list[str]:
    with manager.application.app_context():
        test_1 = competence.competences_by_code(["TEST-1"])["TEST-1"].id
    text = manager.get(f"/reports/units/{unit_id}/audit?competence={test_1}&format=csv")
    line = next(li for li in text.data.decode("utf-8-sig").splitlines() if li.startswith(name + ";"))
    return line.split(";")


# The record ----------------------------------------------------------------------------------------


def statements_of(app, person_uuid: str) -> list[dict]:
    with app.app_context():
        rows = db.session.execute(sa.select(outbox.c.statement).order_by(outbox.c.id))
        found = [json.loads(row.statement) for row in rows]
    return [s for s in found if s["actor"].get("account", {}).get("name") == person_uuid]


def verb(statement: dict) -> str:
    """The profile's name of the statement's verb (the IRI's last part for the group's own)."""
    by_iri = {iri: name for name, (iri, _) in VERBS.items()}
    iri = statement["verb"]["id"]
    return by_iri.get(iri, iri.rsplit("/", 1)[-1])


def about_module(statements: list[dict], registration: str) -> list[dict]:
    return [
        s
        for s in statements
        if s["context"].get("registration") == registration and "/card/" not in s["object"]["id"]
    ]


def attempt_of(app, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def person_uuid(app, person) -> str:
    with app.app_context():
        return db.session.merge(person).uuid


def local_date_text(app, moment: datetime | date) -> str:
    with app.test_request_context():
        if isinstance(moment, datetime):
            moment = moment.astimezone(local_zone()).date()
        return format_date(moment)


def local_today_in(app) -> date:
    with app.app_context():
        return local_today()


def assert_one_statement_per_event(statements: list[dict], registration: str, cards: int) -> None:
    """No statement twice: unique ids, and each event (verb and object) once, except moves; those of
    the attempt (``registration``) answer every answer once."""
    assert len({s["id"] for s in statements}) == len(statements)
    events = [(verb(s), s["object"]["id"]) for s in statements if verb(s) != "progressed"]
    assert len(events) == len(set(events)), events
    attempt = [s for s in statements if s["context"].get("registration") == registration]
    assert sum(1 for s in attempt if verb(s) == "answered") == cards


# Solo: passed --------------------------------------------------------------------------------------


def test_a_passed_module_is_passed_everywhere(app, org, setting, make_client):
    phone, manager = signed_in(make_client, org)
    attempt_id = start(phone, setting)
    last = take(phone, attempt_id, RIGHT)

    done = phone.get(last.headers["Location"]).get_data(as_text=True)
    attempt = attempt_of(app, attempt_id)
    day = local_date_text(app, attempt.completed_at)
    assert "Du har bestått «Alle korttyper»" in done and "Du fikk 100 % riktig." in done
    assert home_standing(phone, setting) == ("passed", "Bestått")
    assert day in home_text(phone)
    assert f"Du besto denne modulen {day}." in start_page(phone, setting)
    mine = competence_me(phone)
    assert "Testkompetanse" in mine and "Modul fullført" in mine and day in mine
    assert "Oppfylt" in mine
    row = unit_report_row(manager, org.ward.id)
    assert row["done"].startswith("1 / ") and row["failed"] == "0" and row["in_progress"] == "0"
    csv_cell, xlsx_cell = matrix_cell(manager, org.ward.id, org.nurse.name)
    assert csv_cell.startswith("Oppfylt") and xlsx_cell == csv_cell
    audit = audit_line(manager, org.ward.id, org.nurse.name)
    assert audit[2] == "Oppfylt" and audit[5] == day

    statements = statements_of(app, person_uuid(app, org.nurse))
    assert_one_statement_per_event(statements, attempt.uuid, len(RIGHT))
    assert [verb(s) for s in statements if "registration" not in s["context"]] == ["earned"]
    module = about_module(statements, attempt.uuid)
    verbs = [verb(s) for s in module]
    assert verbs[0] == "initialized" and verbs[-2:] == ["completed", "passed"]
    assert verbs.count("completed") == verbs.count("passed") == 1 and "failed" not in verbs
    completed, passed = module[-2:]
    assert completed["result"]["completion"] is True and "success" not in completed["result"]
    assert passed["result"]["success"] is True
    assert completed["result"]["score"]["scaled"] == passed["result"]["score"]["scaled"] == 1.0
    assert completed["timestamp"] == passed["timestamp"]
    stamp = datetime.fromisoformat(passed["timestamp"].replace("Z", "+00:00"))
    assert abs(stamp - attempt.completed_at.replace(tzinfo=UTC)) < timedelta(seconds=1)


# Solo: failed, then taken again and passed ----------------------------------------------------------


def test_a_failed_attempt_is_failed_everywhere_until_the_retry_passes(app, org, setting, make_client):
    phone, manager = signed_in(make_client, org)
    first_id = start(phone, setting)
    last = take(phone, first_id, WRONG)

    done = phone.get(last.headers["Location"]).get_data(as_text=True)
    assert "Du har ikke bestått «Alle korttyper» denne gangen" in done
    assert "Du fikk 50 % riktig." in done
    assert home_standing(phone, setting) == ("failed", "Fullført, ikke bestått")
    assert "Du besto" not in start_page(phone, setting)
    mine = competence_me(phone)
    assert "Modul fullført" not in mine and "Mangler" in mine
    row = unit_report_row(manager, org.ward.id)
    assert row["done"].startswith("0 / ") and row["failed"] == "1"
    csv_cell, xlsx_cell = matrix_cell(manager, org.ward.id, org.nurse.name)
    assert csv_cell.startswith("Mangler") and xlsx_cell == csv_cell
    first = attempt_of(app, first_id)
    statements = statements_of(app, person_uuid(app, org.nurse))
    module = about_module(statements, first.uuid)
    assert [verb(s) for s in module][-2:] == ["completed", "failed"]
    assert module[-1]["result"]["success"] is False
    assert module[-1]["result"]["score"]["scaled"] == 0.5
    assert "earned" not in [verb(s) for s in statements]  # no credential without a pass

    second_id = start(phone, setting)
    assert second_id != first_id
    assert home_standing(phone, setting) == ("in_progress", "Påbegynt")
    assert unit_report_row(manager, org.ward.id)["in_progress"] == "1"
    last = take(phone, second_id, RIGHT)

    assert "Du har bestått" in phone.get(last.headers["Location"]).get_data(as_text=True)
    assert home_standing(phone, setting) == ("passed", "Bestått")
    assert "Ta på nytt" not in home_text(phone)
    day = local_date_text(app, attempt_of(app, second_id).completed_at)
    assert f"Du besto denne modulen {day}." in start_page(phone, setting)
    assert "Modul fullført" in competence_me(phone)
    row = unit_report_row(manager, org.ward.id)
    assert row["done"].startswith("1 / ") and row["failed"] == "0"
    assert matrix_cell(manager, org.ward.id, org.nurse.name)[0].startswith("Oppfylt")
    second = attempt_of(app, second_id)
    statements = statements_of(app, person_uuid(app, org.nurse))
    endings = [(verb(s), s["context"].get("registration")) for s in statements]
    endings = [e for e in endings if e[0] in ("completed", "passed", "failed", "earned")]
    assert endings == [
        ("completed", first.uuid),
        ("failed", first.uuid),
        ("completed", second.uuid),
        ("passed", second.uuid),
        ("earned", None),  # the credential for TEST-1, once passed
    ]
    for attempt in (first, second):
        assert_one_statement_per_event(
            [s for s in statements if s["context"].get("registration") == attempt.uuid],
            attempt.uuid,
            len(RIGHT),
        )


# Solo: left with the × half-way --------------------------------------------------------------------


def test_a_module_left_half_way_is_in_progress_everywhere(app, org, setting, make_client):
    phone, manager = signed_in(make_client, org)
    attempt_id = start(phone, setting)
    take(phone, attempt_id, RIGHT, upto=4)
    card = phone.get(f"/attempts/{attempt_id}/cards/4").get_data(as_text=True)
    close = re.search(r'class="player-close" href="([^"]+)"', card).group(1)
    assert phone.get(close).status_code == 200  # the ×: home

    assert phone.get(f"/attempts/{attempt_id}/done").status_code == 302  # no done page yet
    assert home_standing(phone, setting) == ("in_progress", "Påbegynt")
    assert "Kort 5 av 10" in home_text(phone)
    mine = competence_me(phone)
    assert "Modul fullført" not in mine and "Mangler" in mine
    row = unit_report_row(manager, org.ward.id)
    assert row["done"].startswith("0 / ") and row["in_progress"] == "1" and row["failed"] == "0"
    assert matrix_cell(manager, org.ward.id, org.nurse.name)[0].startswith("Mangler")
    attempt = attempt_of(app, attempt_id)
    statements = statements_of(app, person_uuid(app, org.nurse))
    verbs = [verb(s) for s in statements]
    assert not {"completed", "passed", "failed", "attended"} & set(verbs)
    assert verbs.count("answered") == 2 and verbs.count("initialized") == 1
    assert_one_statement_per_event(statements, attempt.uuid, 2)
    progress = [s["result"]["extensions"] for s in statements if verb(s) == "progressed"]
    assert list(progress[-1].values()) == [40]  # on card 5 of 10

    again = phone.submit(f"/learn/{setting}/start")  # picking it up again resumes, not restarts
    assert again.headers["Location"].endswith(f"/attempts/{attempt_id}/cards/4")


# Solo: answered without network, synced late ------------------------------------------------------


def test_answers_given_offline_and_synced_late_keep_their_time_and_count_once(
    app, org, setting, make_client
):
    phone, manager = signed_in(make_client, org)
    attempt_id = start(phone, setting)
    with app.app_context():
        db.session.get(Attempt, attempt_id).started_at = datetime.now(UTC) - timedelta(hours=3)
        db.session.commit()
    given = datetime.now(UTC) - timedelta(hours=2)

    take_offline(phone, attempt_id, RIGHT, given)
    page = phone.get(f"/attempts/{attempt_id}/cards/0").get_data(as_text=True)
    headers = {"X-CSRFToken": CSRF_INPUT.search(page).group(1), "Accept": "application/json"}
    late = phone.post(
        f"/attempts/{attempt_id}/answers",
        json={"card_id": "enkelt", "fields": {"response": "a"}, "client_id": str(uuid.uuid4())},
        headers=headers,
    )
    assert late.get_json()["stored"] is False  # a queued answer arriving after the end changes nothing

    done = phone.get(f"/attempts/{attempt_id}/done").get_data(as_text=True)
    attempt = attempt_of(app, attempt_id)
    assert attempt.passed and attempt.score == 1.0
    assert "Du har bestått «Alle korttyper»" in done and "Du fikk 100 % riktig." in done
    assert home_standing(phone, setting) == ("passed", "Bestått")
    day = local_date_text(app, attempt.completed_at)
    assert day in competence_me(phone)
    assert unit_report_row(manager, org.ward.id)["done"].startswith("1 / ")
    assert audit_line(manager, org.ward.id, org.nurse.name)[5] == day

    statements = statements_of(app, person_uuid(app, org.nurse))
    assert_one_statement_per_event(statements, attempt.uuid, len(RIGHT))
    answered = sorted(s["timestamp"] for s in statements if verb(s) == "answered")
    first = datetime.fromisoformat(answered[0].replace("Z", "+00:00"))
    assert abs(first - given) < timedelta(seconds=1), "the statement says when it was answered"
    module = about_module(statements, attempt.uuid)
    assert [verb(s) for s in module][-2:] == ["completed", "passed"]
    assert module[-1]["result"]["success"] is True
    assert module[-1]["result"]["score"]["scaled"] == 1.0
    stamps = [datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")) for s in statements]
    assert all(stamp >= attempt.started_at.replace(tzinfo=UTC) for stamp in stamps)


# Solo: passed, then taken again --------------------------------------------------------------------


def test_a_passed_module_taken_again_is_still_passed_everywhere(app, org, setting, make_client):
    """Starting a passed module again opens a new attempt; the pass still counts (reports,
    competence), so home says so too, and that a new attempt is under way, and does not put the
    module first as a step to take: it is no longer due."""
    phone, manager = signed_in(make_client, org)
    first_id = start(phone, setting)
    take(phone, first_id, RIGHT)
    first = attempt_of(app, first_id)
    day = local_date_text(app, first.completed_at)

    second_id = start(phone, setting)
    assert second_id != first_id
    take(phone, second_id, RIGHT, upto=3)

    home = home_text(phone)
    assert home_standing(phone, setting) == ("passed", "Bestått")
    assert 'id="step-heading"' not in home  # nothing to do: the one assignment is done
    in_progress = home.split('id="progress-heading"')[1].split("</section>")[0]
    assert f"Bestått</span> {day} · du tar den på nytt · Kort 4 av 10" in in_progress
    completed = home.split('id="done-heading"')[1].split("</section>")[0]
    assert f"{day} · " in completed and "Bestått</span> · du tar den på nytt" in completed
    assert f'href="/attempts/{first_id}/done"' in completed
    assert 'id="unfinished-heading"' not in home
    assert f"Du besto denne modulen {day}. Du tar den på nytt." in start_page(phone, setting)
    mine = competence_me(phone)
    assert "Modul fullført" in mine and day in mine and "Oppfylt" in mine
    row = unit_report_row(manager, org.ward.id)
    assert row["done"].startswith("1 / ") and row["in_progress"] == "0" and row["failed"] == "0"
    assert matrix_cell(manager, org.ward.id, org.nurse.name)[0].startswith("Oppfylt")
    assert audit_line(manager, org.ward.id, org.nurse.name)[5] == day

    second = attempt_of(app, second_id)
    statements = statements_of(app, person_uuid(app, org.nurse))
    endings = [(verb(s), s["context"].get("registration")) for s in statements]
    endings = [e for e in endings if e[0] in ("completed", "passed", "failed", "earned")]
    assert endings == [("completed", first.uuid), ("passed", first.uuid), ("earned", None)]
    assert ("initialized", second.uuid) in [
        (verb(s), s["context"].get("registration")) for s in statements
    ]


def test_home_puts_a_module_taken_again_first_only_when_it_is_due_again(app, org, setting, make_client):
    """A module passed and begun again is the next step once a yearly assignment makes it due
    again, with the pass it still has (and its date) beside the due date."""
    phone, _manager = signed_in(make_client, org)
    first_id = start(phone, setting)
    take(phone, first_id, RIGHT)
    start(phone, setting)
    assert 'id="step-heading"' not in home_text(phone)

    with app.app_context():
        first = db.session.get(Attempt, first_id)
        first.completed_at -= timedelta(days=360)  # passed almost a year ago
        assign_to_unit(setting, db.session.get(Unit, org.ward.id), local_today(), recur_months=12)
        db.session.commit()
        day = local_date_text(app, first.completed_at)
    step = home_text(phone).split('id="step-heading"')[1].split("</section>")[0]
    assert f'href="/learn/{setting}"' in step and "frist om" in step
    assert f"Bestått</span> {day} · du tar den på nytt · Kort 1 av 10" in step
    assert "Fortsett der du slapp" in step


# A recurring assignment whose new round is overdue ------------------------------------------------


@pytest.fixture
def yearly(app, org, fixture_module):
    """TEST-1 required of the ward at level 2 for 12 months, and the module assigned to the ward
    yearly (due in a week, then again 12 months after each completion): the renewal the
    requirement asks for."""
    with app.app_context():
        test_1 = import_test_framework()
        ward = db.session.get(Unit, org.ward.id)
        competence.add_requirement(test_1, ward, 2, validity_months=12, renewal_days=60)
        assign_to_unit(fixture_module, ward, local_today() + timedelta(days=7), recur_months=12)
        db.session.commit()
    return fixture_module


def as_if_passed_long_ago(app, person, days: int) -> None:
    """Move the person's attempts and evidence and the assignments' due dates ``days`` back, as if
    that much time had passed since (evidence is append-only for the application; the test moves
    it with a statement), then run the nightly competence refresh."""
    back = timedelta(days=days)
    with app.app_context():
        pid = db.session.merge(person).id
        for attempt in db.session.scalars(sa.select(Attempt).where(Attempt.person_id == pid)):
            attempt.started_at -= back
            attempt.completed_at = attempt.completed_at and attempt.completed_at - back
            attempt.updated_at -= back
        for assignment in db.session.scalars(sa.select(Assignment)):
            assignment.due_on -= back
        evidence = Evidence.__table__
        rows = db.session.execute(
            sa.select(evidence.c.id, evidence.c.achieved_at, evidence.c.valid_until).where(
                evidence.c.person_id == pid
            )
        ).all()
        for row in rows:
            until = row.valid_until and row.valid_until - back
            db.session.execute(
                sa.update(evidence)
                .where(evidence.c.id == row.id)
                .values(achieved_at=row.achieved_at - back, valid_until=until)
            )
        competence.refresh_expiring()
        db.session.commit()


def test_a_yearly_module_passed_over_a_year_ago_is_overdue_everywhere(app, org, yearly, make_client):
    """The pass is history: the new round is overdue and not done. Home says so with the date of
    the last pass, not a "Bestått" that reads as done; the unit report counts the person as not
    done and overdue; the competence profile has the requirement expired on the day the round
    fell due."""
    phone, manager = signed_in(make_client, org)
    attempt_id = start(phone, yearly)
    take(phone, attempt_id, RIGHT)
    as_if_passed_long_ago(app, org.nurse, 400)
    attempt = attempt_of(app, attempt_id)
    with app.app_context():
        passed_on = attempt.completed_at.astimezone(local_zone()).date()
        due_on = add_months(passed_on, 12)
    today = local_today_in(app)
    day = local_date_text(app, attempt.completed_at)
    assert (today - due_on).days > 0  # the new round fell due a month ago

    home = home_text(phone)
    step = home.split('id="step-heading"')[1].split("</section>")[0]
    assert f'href="/learn/{yearly}"' in step
    assert f"forfalt for {(today - due_on).days} dager siden" in step
    assert f'<span data-standing="lapsed">sist bestått</span> {day}</span>' in step
    assert '<span class="button button-wide">Ta modulen på nytt</span>' in step  # as the start page
    completed = home.split('id="done-heading"')[1].split("</section>")[0]
    assert f'{day} · <span data-standing="lapsed">sist bestått</span>' in completed
    assert home_standing(phone, yearly) == ("lapsed", "sist bestått")  # no "Bestått" anywhere
    overdue = f"forfalt for {(today - due_on).days} dager siden"
    page = start_page(phone, yearly)
    assert f"Du besto denne modulen {day}. <span data-round>Ny runde: {overdue}.</span>" in page
    assert ">Ta modulen på nytt</button>" in page  # true, dated, the round due as home says it
    mine = competence_me(phone)
    assert "Utløpt" in mine and "Oppfylt" not in mine
    assert f"utløp {local_date_text(app, due_on)}" in mine
    row = unit_report_row(manager, org.ward.id)
    assert row["done"].startswith("0 / ") and row["in_progress"] == "0"
    assert row["done"].endswith(" · 1 fullførte forrige runde")  # the pass, not "never taken"
    assert unit_report_overdue(manager, org.ward.id) == int(row["done"].split()[2])  # everyone
    csv_cell, xlsx_cell = matrix_cell(manager, org.ward.id, org.nurse.name)
    assert csv_cell.startswith("Utløpt") and xlsx_cell == csv_cell

    start(phone, yearly)  # the new round begun: still overdue, the old pass still history
    step = home_text(phone).split('id="step-heading"')[1].split("</section>")[0]
    assert "chip-late" in step and "Fortsett der du slapp" in step
    assert f"sist bestått</span> {day} · du tar den på nytt · Kort 1 av 10" in step
    assert home_standing(phone, yearly) == ("lapsed", "sist bestått")
    row = unit_report_row(manager, org.ward.id)
    assert row["done"].startswith("0 / ") and row["in_progress"] == "1"
    statements = statements_of(app, person_uuid(app, org.nurse))
    assert [verb(s) for s in statements].count("passed") == 1  # the record keeps the one pass
