"""The module's start page, whose description (title, summary, facts, "Om innholdet") is rendered
once per language and content and then reused: each reader still gets it in their own language. It
says what the person has got from the module as home does: their latest completion and its date."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask_babel import format_date

from lms.assignments.cycle import add_months
from lms.assignments.services import assign_to_unit
from lms.content.services import current_version
from lms.core.time import local_today, local_zone
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Unit
from tests.learning.test_player import start


def test_the_start_page_describes_the_module_in_each_readers_language(client, org, fixture_module):
    client.sign_in(org.nurse)
    page = f"/learn/{fixture_module}"

    bokmal = client.get(page).get_data(as_text=True)
    assert "Alle korttyper" in bokmal and "5 minutter" in bokmal and "Om innholdet" in bokmal

    client.submit("/language", {"language": "en", "next": page})
    english = client.get(page).get_data(as_text=True)
    assert "Every card type" in english and "5 minutes" in english
    assert "About the content" in english and "Alle korttyper" not in english

    client.submit("/language", {"language": "nn", "next": page})
    nynorsk = client.get(page).get_data(as_text=True)
    assert "Alle korttyper" in nynorsk and "Every card type" not in nynorsk
    assert "Denne modulen finst ikkje på nynorsk enno" in nynorsk


def test_the_start_page_offers_to_go_on_from_the_first_card_of_an_attempt_just_begun(
    client, org, fixture_module
):
    client.sign_in(org.nurse)
    page = f"/learn/{fixture_module}"
    assert "Fortsett der du slapp" not in client.get(page).get_data(as_text=True)

    client.submit(f"{page}/start")

    again = client.get(page).get_data(as_text=True)
    assert "Fortsett der du slapp" in again and "Du er på kort 1 av" in again


# What the person has got from the module ----------------------------------------------------------


def finish(app, person, module_id: str, outcome: str, days_ago: int) -> datetime:
    """An attempt of ``person``'s at the module that ended ``days_ago`` with ``outcome`` (a
    ``Verdict`` value); returns when it ended."""
    with app.app_context():
        ended = utcnow() - timedelta(days=days_ago)
        attempt = Attempt(person_id=person.id, module_id=module_id, version=current_version(module_id))
        attempt.started_at = attempt.updated_at = attempt.completed_at = ended
        attempt.passed = {"passed": True, "failed": False}.get(outcome)
        attempt.outcome = outcome
        db.session.add(attempt)
        db.session.commit()
    return ended


def day_of(app, moment: datetime) -> str:
    """The date as home shows a completion's (``format_date``, in Bokmål)."""
    with app.test_request_context():
        return format_date(moment)


def button(page: str) -> str:
    return re.search(r'<button type="submit" class="button button-wide">([^<]*)</button>', page)[1]


def test_a_passed_module_says_when_its_latest_pass_was_and_offers_to_take_it_again(
    app, client, org, fixture_module
):
    """The latest pass, dated as home dates it, also after a failed attempt since."""
    finish(app, org.nurse, fixture_module, "passed", days_ago=100)
    passed = finish(app, org.nurse, fixture_module, "passed", days_ago=40)
    finish(app, org.nurse, fixture_module, "failed", days_ago=10)
    client.sign_in(org.nurse)

    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert f"Du besto denne modulen {day_of(app, passed)}." in page
    assert button(page) == "Ta modulen på nytt"
    assert "Du tar den på nytt." not in page and "fullførte" not in page
    home = client.get("/").get_data(as_text=True)
    assert f"{day_of(app, passed)} · " in home.split('id="done-heading"')[1]


def test_a_module_completed_where_nothing_is_scored_says_completed_not_passed(
    app, client, org, fixture_module
):
    completed = finish(app, org.nurse, fixture_module, "completed", days_ago=3)
    client.sign_in(org.nurse)

    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert f"Du fullførte denne modulen {day_of(app, completed)}." in page
    assert "besto" not in page and button(page) == "Ta modulen på nytt"


def test_a_passed_module_taken_again_says_so_and_goes_on_with_the_open_attempt(
    app, client, org, fixture_module, count_queries
):
    """Read in the page's one query, and the person's assignments of the module: a round of it
    may be open again."""
    passed = finish(app, org.nurse, fixture_module, "passed", days_ago=40)
    client.sign_in(org.nurse)
    attempt_id = start(client, fixture_module)

    with count_queries() as counted:
        page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert f"Du besto denne modulen {day_of(app, passed)}. Du tar den på nytt." in page
    assert button(page) == "Fortsett der du slapp" and "Du er på kort 1 av" in page
    # the person with their roles; the module with the open attempt and the pass; the person's
    # assignments of the module (none), in the session's transaction: its savepoint and release
    assert counted.n == 2 + 1 + 2
    again = client.submit(f"/learn/{fixture_module}/start")
    assert again.headers["Location"].endswith(f"/attempts/{attempt_id}/cards/0")


@pytest.mark.parametrize("before", ["nothing", "another_persons_pass", "a_failed_attempt"])
def test_the_start_page_tells_only_of_the_persons_own_completion(
    app, client, org, fixture_module, before
):
    """Never taken, passed by someone else, or only failed: "Start" and nothing said of a pass,
    until the person's own pass."""
    if before == "another_persons_pass":
        finish(app, org.assistant, fixture_module, "passed", days_ago=20)
    elif before == "a_failed_attempt":
        finish(app, org.nurse, fixture_module, "failed", days_ago=20)
    client.sign_in(org.nurse)

    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert button(page) == "Start"
    assert "besto" not in page and "fullførte" not in page and "på nytt" not in page

    passed = finish(app, org.nurse, fixture_module, "passed", days_ago=5)
    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert f"Du besto denne modulen {day_of(app, passed)}." in page
    assert button(page) == "Ta modulen på nytt"


# A round open again ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recur_months", "passed_days_ago", "said"),
    [
        (12, 40, None),  # the pass covers this year's round: the next one not yet open
        (12, 340, "Ny runde: frist om {days} dager."),  # open a month before it falls due
        (12, 400, "Ny runde: forfalt for {days} dager siden."),
        (None, 400, None),  # given once: done for good
    ],
)
def test_a_new_round_open_is_said_with_its_due_date_in_homes_words(
    app, client, org, fixture_module, recur_months, passed_days_ago, said
):
    with app.app_context():
        ward = db.session.get(Unit, org.ward.id)
        long_ago = local_today() - timedelta(days=600)
        assign_to_unit(fixture_module, ward, long_ago, recur_months=recur_months)
        db.session.commit()
    passed = finish(app, org.nurse, fixture_module, "passed", days_ago=passed_days_ago)
    client.sign_in(org.nurse)

    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    standing = re.search(r'<p data-standing="passed">(.*?)</p>', page, re.S)[1]
    if said is None:
        assert standing == f"Du besto denne modulen {day_of(app, passed)}."
        return
    with app.app_context():
        due_on = add_months(passed.astimezone(local_zone()).date(), recur_months)
        days = abs((due_on - local_today()).days)
    words = said.format(days=days)
    assert standing == (f"Du besto denne modulen {day_of(app, passed)}. <span data-round>{words}</span>")
    home = client.get("/").get_data(as_text=True)
    assert words.removeprefix("Ny runde: ").removesuffix(".") in home  # the same words
