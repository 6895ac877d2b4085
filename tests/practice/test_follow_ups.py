"""A practice card's "Ja, jeg prøver" comes back as "Hvordan gikk det?" on a later shift: sent once by
the reminder job, answered on a page only its owner reaches, recorded as one statement without the
note, and counted without names for those who lead the people who answered, from three answers."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from lms.assignments.services import assign_to_person
from lms.content.services import current_version, install
from lms.extensions import db
from lms.learning import services as learning
from lms.organisation.models import Person, Role, Unit
from lms.practice import services as practice
from lms.practice.models import PracticeFollowUp
from lms.reminders import sending
from lms.reminders import services as reminders
from lms.reminders.models import Reminder
from tests.conftest import add_person, read_mail
from tests.reminders.test_sending import MONDAY, OSLO, at, day_shifts, run_week
from tests.tracking.test_learning_statements import outbox_statements
from xapi.validation import problems

SHIPPED = Path(__file__).resolve().parents[2] / "modules"
TASK_START = "Lås skjermen hver gang du går fra PC-en på neste vakt."


def commit(app, person_id: int, module_id: str, when: datetime, *, yes: bool = True) -> int | None:
    """The person takes the module up to its practice card and answers it; the follow-up's id."""
    with app.test_request_context():
        person = db.session.get(Person, person_id)
        attempt = learning.start_or_resume(person, current_version(module_id))
        card = learning.module_of(attempt).card("prov")
        learning.submit_answer(attempt, card, yes, answered_at=when)
        db.session.commit()
        return db.session.scalar(
            sa.select(PracticeFollowUp.id)
            .where(PracticeFollowUp.person_id == person_id)
            .order_by(PracticeFollowUp.id.desc())
            .limit(1)
        )


def follow_up_row(app, follow_up_id: int) -> PracticeFollowUp:
    with app.app_context():
        return db.session.get(PracticeFollowUp, follow_up_id)


def follow_up_statements(app) -> list[dict]:
    with app.app_context():
        return [s for s in outbox_statements() if s["object"]["id"].endswith("/follow-up")]


@pytest.fixture
def committed(app, org, fixture_module) -> int:
    """Nils has day shifts all week and commits on Monday at 09:00, during his shift."""
    with app.app_context():
        day_shifts(db.session.merge(org.nurse), MONDAY, 7)
        db.session.commit()
    return commit(app, org.nurse.id, fixture_module, at(MONDAY, 9))


# Made from the commitment --------------------------------------------------------------------------


def test_a_commitment_makes_one_follow_up_and_not_now_makes_none(app, org, fixture_module, committed):
    row = follow_up_row(app, committed)
    assert (row.module_id, row.card_id, row.answered_at) == (fixture_module, "prov", None)
    assert row.committed_at == at(MONDAY, 9)
    assert commit(app, org.assistant.id, fixture_module, at(MONDAY, 9), yes=False) is None


# Planned and sent by the reminder job --------------------------------------------------------------


def test_it_comes_once_on_the_next_shift_in_the_app_and_by_mail(app, org, committed, client):
    sent = run_week(app, at(MONDAY, 0))
    assert sent == [f"p:{org.nurse.id}:{committed}:opens"]
    with app.app_context():
        [reminder] = db.session.scalars(sa.select(Reminder)).all()
        assert reminder.claimed_at.astimezone(OSLO).strftime("%a %H:%M") == "Tue 13:30", (
            "Tuesday's learning window: not Monday's, the shift it was made on"
        )
        assert reminder.kind == "practice" and reminder.counts_to_cap
        assert reminder.subject.startswith(f"Hvordan gikk det? «{TASK_START[:40]}")
        assert reminder.url == f"http://localhost/practice/{committed}"
    assert read_mail(app).count("Subject: Hvordan gikk det?") == 1

    assert run_week(app, at(MONDAY, 0)) == [], "running the job again sends nothing"
    client.sign_in(org.nurse)
    page = client.get("/reminders/").get_data(as_text=True)
    assert page.count("Hvordan gikk det? «") == 1
    assert f'href="http://localhost/practice/{committed}"' in page


def test_nothing_is_sent_once_it_is_answered(app, org, committed, client):
    client.sign_in(org.nurse)
    client.submit(f"/practice/{committed}", {"choice": "managed"})
    assert run_week(app, at(MONDAY, 0)) == []


def test_a_crash_between_claim_and_send_sends_nothing_again(app, org, committed, monkeypatch):
    def crash(*_args, **_kwargs):
        raise SystemExit("killed while sending")

    monkeypatch.setattr(sending, "deliver", crash)
    with pytest.raises(SystemExit), app.app_context():
        sending.tick(at(MONDAY + timedelta(days=1), 13, 30))
    monkeypatch.undo()
    assert run_week(app, at(MONDAY, 0)) == [], "the claimed key is never sent again"
    assert read_mail(app) == ""


def test_it_waits_behind_required_learning_under_the_weekly_cap(app, org, fixture_module, committed):
    """Two modules assigned to Nils take the week's two reminders; the follow-up goes next week."""
    with app.app_context():
        nurse = db.session.merge(org.nurse)
        day_shifts(nurse, MONDAY + timedelta(days=7), 7)
        other, _ = install(SHIPPED / "gjenkjenne-phishing", "test", publish=True)
        for module_id in (fixture_module, other.module_id):
            assignment = assign_to_person(module_id, nurse, date(2026, 5, 1))
            assignment.created_at = at(MONDAY, 0) - timedelta(days=1)
        db.session.commit()
    sent = run_week(app, at(MONDAY, 0), days=14)
    follow_up_key = f"p:{org.nurse.id}:{committed}:opens"
    assert follow_up_key in sent
    with app.app_context():
        week_of = {
            r.key: r.claimed_at.astimezone(OSLO).isocalendar().week
            for r in db.session.scalars(sa.select(Reminder))
        }
    assert sorted(week_of.values()) == [13, 13, 14]
    assert week_of[follow_up_key] == 14


@pytest.mark.parametrize("answered", [False, True])
def test_a_snoozed_follow_up_comes_back_on_the_next_shift_unless_answered(
    app, org, committed, client, answered
):
    tuesday = MONDAY + timedelta(days=1)
    key = f"p:{org.nurse.id}:{committed}:opens"
    assert run_week(app, at(tuesday, 13), days=1) == [key]
    with app.app_context():
        reminder = db.session.scalar(sa.select(Reminder).where(Reminder.key == key))
        back_at = reminders.snooze(reminder, at(tuesday, 13, 35))
        db.session.commit()
    assert back_at.astimezone(OSLO).strftime("%a %H:%M") == "Wed 13:30", "the next learning window"
    if answered:
        client.sign_in(org.nurse)
        client.submit(f"/practice/{committed}", {"choice": "managed"})
    sent = run_week(app, at(tuesday, 14), days=2)
    assert sent == ([] if answered else [f"{key}:snooze1"])


# The page ------------------------------------------------------------------------------------------


def test_only_its_owner_reaches_the_page(app, org, committed, make_client):
    owner = make_client()
    owner.sign_in(org.nurse)
    page = owner.get(f"/practice/{committed}").get_data(as_text=True)
    assert "Hvordan gikk det?" in page and TASK_START in page
    for label in ("Jeg fikk det til", "Jeg prøvde, men det var vanskelig", "Jeg fikk ikke prøvd"):
        assert label in page
    for other in (org.assistant, org.facilitator, org.manager, org.admin):
        client = make_client()
        client.sign_in(other)
        assert client.get(f"/practice/{committed}").status_code == 404, other.name
        assert client.submit(f"/practice/{committed}", {"choice": "hard"}).status_code == 404
    assert follow_up_row(app, committed).answered_at is None
    assert "/login" in make_client().get(f"/practice/{committed}").headers["Location"]


def test_the_form_needs_its_csrf_token(org, committed, client):
    client.sign_in(org.nurse)
    assert client.post(f"/practice/{committed}", data={"choice": "hard"}).status_code == 400


def test_no_choice_or_a_long_note_says_what_and_changes_nothing(app, org, committed, client):
    client.sign_in(org.nurse)
    response = client.submit(f"/practice/{committed}", {"note": "Travel vakt"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Velg ett av svarene." in page and "Travel vakt" in page, "what was typed stays"
    response = client.submit(f"/practice/{committed}", {"choice": "hard", "note": "x" * 1001})
    assert response.status_code == 422
    assert "Skriv høyst 1000 tegn i notatet." in response.get_data(as_text=True)
    assert client.submit(f"/practice/{committed}", {"choice": "maybe"}).status_code == 422
    assert follow_up_row(app, committed).answered_at is None
    assert follow_up_statements(app) == []


def test_an_answer_is_kept_once_with_its_note_cleaned_and_private(app, org, committed, client):
    client.sign_in(org.nurse)
    note = "Det var <script>alert(1)</script>**travelt**, men jeg husket det to ganger."
    response = client.submit(f"/practice/{committed}", {"choice": "hard", "note": note})
    assert response.status_code == 302
    page = client.get(f"/practice/{committed}").get_data(as_text=True)
    assert "Takk for svaret!" in page
    assert "<strong>Jeg prøvde, men det var vanskelig</strong>" in page
    assert "<strong>travelt</strong>" in page and "<script>alert" not in page
    assert 'name="choice"' not in page, "answered: no form again"

    client.submit(f"/practice/{committed}", {"choice": "managed", "note": "Nytt svar"})
    row = follow_up_row(app, committed)
    assert (row.choice, row.note) == ("hard", note), "the first answer counts"
    assert len(follow_up_statements(app)) == 1


# The statement -------------------------------------------------------------------------------------


def test_one_statement_with_the_choice_and_never_the_note(app, org, fixture_module, committed, client):
    client.sign_in(org.nurse)
    client.submit(f"/practice/{committed}", {"choice": "not_tried", "note": "Hemmelig notat"})
    [statement] = follow_up_statements(app)
    with app.app_context():
        row = db.session.get(PracticeFollowUp, committed)
        attempt_uuid = row.commitment.attempt.uuid
        uuid = db.session.get(Person, org.nurse.id).uuid
    base = "http://localhost/xapi/activities/module/" + fixture_module
    assert problems(statement) == []
    assert statement["id"] == row.statement_id
    assert statement["actor"]["account"] == {"homePage": "http://localhost", "name": uuid}
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert statement["object"]["id"] == f"{base}/card/prov/follow-up"
    definition = statement["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert [c["id"] for c in definition["choices"]] == ["managed", "hard", "not_tried"]
    assert definition["name"]["nb-NO"].startswith(f"Hvordan gikk det? {TASK_START[:40]}")
    assert statement["result"] == {"response": "not_tried", "completion": True}
    assert statement["context"]["registration"] == attempt_uuid
    assert statement["context"]["contextActivities"] == {
        "parent": [{"id": f"{base}/card/prov"}],
        "grouping": [{"id": base}],
    }
    assert statement["timestamp"] == row.answered_at.isoformat()
    assert "Hemmelig" not in json.dumps(statement, ensure_ascii=False)


# Anonymous counts on the module page ---------------------------------------------------------------

COUNTS_HEADING = "Prøvd på vakt"
TOO_FEW = "For få svar til å vise tall ennå."


def answered_in_the_zone(app, org, module_id, choices: list[str], first: int = 0) -> list[str]:
    """New people of the zone (Frida facilitates it) commit and answer; their names."""
    names = []
    for n, choice in enumerate(choices, start=first):
        with app.app_context():
            person = add_person(
                f"Sone Person {n}", f"sone{n}@testvik.no", db.session.get(Unit, org.zone.id), Role.STAFF
            )
            db.session.commit()
            person_id, name = person.id, person.name
        follow_up_id = commit(app, person_id, module_id, at(MONDAY, 9))
        with app.test_request_context():
            practice.answer(db.session.get(PracticeFollowUp, follow_up_id), choice, f"Notat fra {name}")
            db.session.commit()
        names.append(name)
    return names


def module_page(make_client, person, module_id) -> str:
    client = make_client()
    client.sign_in(person)
    response = client.get(f"/learn/{module_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def counts_shown(page: str) -> dict[str, str]:
    return dict(re.findall(r"<li>([^<:]+): <strong>(\d+)</strong></li>", page))


SHOWN = "shown"
NONE = "no section"
COUNTS_FOR_3 = {
    "Jeg fikk det til": "2",
    "Jeg prøvde, men det var vanskelig": "1",
    "Jeg fikk ikke prøvd": "0",
}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            2,
            {
                "the person": NONE,
                "another person": NONE,
                "their facilitator": TOO_FEW,
                "a manager of another unit": TOO_FEW,
                "the municipality's admin": TOO_FEW,
            },
        ),
        (
            3,
            {
                "the person": NONE,
                "another person": NONE,
                "their facilitator": SHOWN,
                "a manager of another unit": TOO_FEW,
                "the municipality's admin": SHOWN,
            },
        ),
    ],
)
def test_counts_are_shown_from_three_answers_to_those_who_lead_them_and_never_a_name(
    app, org, fixture_module, make_client, answers, expected
):
    names = answered_in_the_zone(app, org, fixture_module, ["managed", "hard", "managed"][:answers])
    viewers = {
        "the person": SimpleNamespace(email="sone0@testvik.no"),
        "another person": org.assistant,
        "their facilitator": org.facilitator,
        "a manager of another unit": org.manager,
        "the municipality's admin": org.admin,
    }
    seen = {}
    for who, viewer in viewers.items():
        page = module_page(make_client, viewer, fixture_module)
        assert not any(name in page for name in names), who
        assert "Notat fra" not in page, who
        if COUNTS_HEADING not in page:
            seen[who] = NONE
        elif counts_shown(page):
            assert counts_shown(page) == COUNTS_FOR_3 and "3 har svart:" in page, who
            seen[who] = SHOWN
        else:
            assert TOO_FEW in page, who
            seen[who] = TOO_FEW
    assert seen == expected


def test_a_person_counts_once_per_card_by_their_latest_answer(app, org, fixture_module, make_client):
    """Someone who takes the module again and answers again is one person, by their latest answer."""
    answered_in_the_zone(app, org, fixture_module, ["hard", "hard"])
    with app.test_request_context():
        person = db.session.scalar(sa.select(Person).where(Person.email == "sone0@testvik.no"))
        attempt = learning.open_attempt(person, fixture_module)
        learning.complete(attempt, learning.module_of(attempt))
        db.session.commit()
        person_id = person.id
    again = commit(app, person_id, fixture_module, at(MONDAY + timedelta(days=7), 9))
    with app.test_request_context():
        practice.answer(db.session.get(PracticeFollowUp, again), "managed", "")
        db.session.commit()
    page = module_page(make_client, org.facilitator, fixture_module)
    assert TOO_FEW in page, "two people, three answers: too few"

    answered_in_the_zone(app, org, fixture_module, ["managed"], first=2)
    page = module_page(make_client, org.facilitator, fixture_module)
    assert counts_shown(page) == COUNTS_FOR_3


def test_the_module_page_asks_the_same_queries_however_many_answered(
    app, org, fixture_module, make_client, count_queries
):
    client = make_client()
    client.sign_in(org.facilitator)
    answered_in_the_zone(app, org, fixture_module, ["managed"] * 3)
    with count_queries() as few:
        assert "3 har svart:" in client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    answered_in_the_zone(app, org, fixture_module, ["hard"] * 3, first=3)
    with count_queries() as more:
        assert "6 har svart:" in client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert more.n == few.n
