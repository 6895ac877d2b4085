"""Home as "I dag": one next step with its due date in words, the same dates and standings as the
rest of the platform, and the modules with their minutes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from lms.assignments.services import DueItem, assign_to_unit, due_for
from lms.content.services import current_version
from lms.core.time import local_today, start_of_local_day
from lms.core.today import due_in_words, lapsed, next_step, sessions_on
from lms.db import utcnow
from lms.extensions import db
from lms.learning import services as learning
from lms.organisation.models import Person
from lms.workshops import participants, planning

TODAY = date(2026, 3, 10)


def due(module_id: str, days: int) -> DueItem:
    return DueItem(module_id=module_id, due_on=TODAY + timedelta(days=days), titles={}, minutes=5)


def attempt(module_id: str) -> SimpleNamespace:
    return SimpleNamespace(module_id=module_id)


def test_an_overdue_assignment_comes_before_the_module_last_worked_on():
    step = next_step([due("late", -2), due("soon", 3)], [attempt("begun")], TODAY)
    assert (step.module_id, step.continues) == ("late", False)


def test_the_module_last_worked_on_comes_before_an_assignment_not_yet_due():
    step = next_step([due("soon", 3)], [attempt("begun"), attempt("older")], TODAY)
    assert (step.module_id, step.continues, step.due) == ("begun", True, None)


def test_an_assignment_already_begun_is_continued_with_its_due_date():
    step = next_step([due("soon", 3)], [attempt("soon")], TODAY)
    assert (step.module_id, step.continues, step.due.due_on) == ("soon", True, TODAY + timedelta(3))


def test_with_nothing_begun_the_assignment_due_soonest_is_next_and_with_nothing_at_all_none():
    assert next_step([due("soon", 3), due("later", 9)], [], TODAY).module_id == "soon"
    assert next_step([], [], TODAY) is None


def test_a_completed_module_taken_again_is_no_step_unless_it_is_due_again():
    retaken = {"again"}
    assert next_step([], [attempt("again")], TODAY, retaken) is None
    step = next_step([due("soon", 3)], [attempt("again"), attempt("begun")], TODAY, retaken)
    assert (step.module_id, step.continues) == ("begun", True)
    step = next_step([due("again", 3)], [attempt("again")], TODAY, retaken)
    assert (step.module_id, step.continues, step.due.due_on) == ("again", True, TODAY + timedelta(3))


def test_a_completion_is_history_once_the_round_due_again_is_overdue():
    """Overdue again: the completion no longer counts ("sist bestått"); due again but not yet
    overdue, or not due at all, it still does."""
    completed = [attempt("late"), attempt("soon"), attempt("done")]
    found = lapsed([due("late", -1), due("soon", 3), due("never", -5)], completed, TODAY)
    assert found == {"late": completed[0]}
    assert lapsed([due("late", 0)], completed, TODAY) == {}  # due today: not yet overdue


def test_the_sessions_today_are_those_on_the_local_day_earliest_first():
    oslo = ZoneInfo("Europe/Oslo")

    def session(name: str, utc_hour: int, day: date = TODAY) -> SimpleNamespace:
        return SimpleNamespace(
            name=name, starts_at=datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
        )

    evening = session("evening", 17)
    morning = session("morning", 7)
    late_night = session("23:30 UTC, tomorrow in Oslo", 23)
    yesterday = session("yesterday", 12, TODAY - timedelta(days=1))
    taken = [
        SimpleNamespace(series=SimpleNamespace(kept_sessions=[evening, late_night])),
        SimpleNamespace(series=SimpleNamespace(kept_sessions=[yesterday, morning])),
    ]
    assert [s.name for s in sessions_on(TODAY, taken, oslo)] == ["morning", "evening"]


def test_due_dates_in_words(app):
    with app.test_request_context():
        words = [due_in_words(TODAY + timedelta(days=d), TODAY) for d in (3, 1, 0, -1, -4)]
    assert words == [
        "frist om 3 dager",
        "frist i morgen",
        "frist i dag",
        "forfalt for 1 dag siden",
        "forfalt for 4 dager siden",
    ]


def test_home_puts_the_assignment_first_with_its_due_date_and_minutes(app, client, org, fixture_module):
    with app.app_context():
        ward = db.session.merge(org.ward)
        assign_to_unit(fixture_module, ward, local_today() + timedelta(days=3))
        db.session.commit()
    client.sign_in(org.nurse)

    page = client.get("/").get_data(as_text=True)

    start = page.index('id="step-heading"')
    step = page[start : page.index("</section>", start)]
    assert "Alle korttyper" in step
    assert "frist om 3 dager" in step
    assert "min</span>" in step
    assert "Start" in step


def test_home_continues_a_begun_module_and_drops_it_once_done_like_the_due_list(
    app, client, org, fixture_module
):
    with app.app_context():
        ward = db.session.merge(org.ward)
        assign_to_unit(fixture_module, ward, local_today() + timedelta(days=3))
        nurse = db.session.get(Person, org.nurse.id)
        begun = learning.start_or_resume(nurse, current_version(fixture_module))
        db.session.commit()
        begun_id = begun.id
    client.sign_in(org.nurse)

    page = client.get("/").get_data(as_text=True)
    start = page.index('id="step-heading"')
    step = page[start : page.index("</section>", start)]
    assert "Fortsett der du slapp" in step
    assert "frist om 3 dager" in step
    assert '<span data-standing="in_progress">Påbegynt</span> · Kort 1 av' in step

    with app.app_context():
        finished = db.session.get(learning.Attempt, begun_id)
        finished.completed_at, finished.passed, finished.outcome = utcnow(), True, "passed"
        db.session.commit()
        assert due_for(db.session.get(Person, org.nurse.id)) == []
    page = client.get("/").get_data(as_text=True)
    assert 'id="step-heading"' not in page
    assert "Bestått" in page


def test_home_lists_todays_workshop_session_with_its_time_and_place(app, client, org):
    with app.app_context():
        ward = db.session.merge(org.ward)
        manager, nurse = db.session.get(Person, org.manager.id), db.session.get(Person, org.nurse.id)
        series = planning.create_series(
            ward, manager, planning.SeriesFields(title="Refleksjon på vaktrommet", place="Vaktrommet")
        )
        noon = start_of_local_day(local_today()) + timedelta(hours=12)
        planning.add_session(series, noon, noon + timedelta(hours=1))
        planning.add_session(series, noon + timedelta(days=7), noon + timedelta(days=7, hours=1))
        participants.sign_up(series, nurse)
        db.session.commit()
    client.sign_in(org.nurse)

    page = client.get("/").get_data(as_text=True)

    start = page.index('id="sessions-heading"')
    today = page[start : page.index("</section>", start)]
    assert "Refleksjon på vaktrommet" in today
    assert "12:00 · Vaktrommet" in today
    assert today.count("<li>") == 1
