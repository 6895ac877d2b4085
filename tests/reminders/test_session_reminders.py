"""Workshop sessions fed to the reminder planner: one reminder before each session for everyone with
a place, at a free time by the planner's rules, sent once, and none once it no longer applies."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.reminders import services
from lms.reminders.models import Reminder
from lms.shifts.services import add_shift
from lms.workshops import attendance, participants, planning
from lms.workshops.models import WorkshopSeries
from tests.conftest import read_mail
from tests.reminders.test_sending import MONDAY, OSLO, at, reminders, run_week
from tests.reminders.test_sending import assigned as assigned  # the fixture

THURSDAY = MONDAY + timedelta(days=3)


@pytest.fixture
def session_for_nils(app, org):
    """A reflection group meeting Thursday 26 March 16:00-17:00; Nils is invited. Returns
    (series id, session id)."""
    with app.app_context():
        series = planning.create_series(
            db.session.merge(org.ward),
            db.session.merge(org.facilitator),
            planning.SeriesFields(title="Refleksjonsgruppe", place="Møterommet, 2. etg."),
        )
        session = planning.add_session(series, at(THURSDAY, 16), at(THURSDAY, 17))
        participants.invite(series, [db.session.merge(org.nurse)], db.session.merge(org.facilitator))
        db.session.commit()
        return series.id, session.id


def shifts(org, first: date, days: int, start: time, end: time) -> None:
    nurse = db.session.merge(org.nurse)
    for n in range(days):
        add_shift(nurse, first + timedelta(days=n), start, end)
    db.session.commit()


def local_times(app) -> list[str]:
    return [r.claimed_at.astimezone(OSLO).strftime("%a %H:%M") for r in reminders(app)]


def test_one_reminder_the_day_before_after_the_shift_sent_once(app, org, session_for_nils):
    series_id, session_id = session_for_nils
    with app.app_context():
        shifts(org, MONDAY, 7, time(7, 30), time(15, 30))
    sent = run_week(app, at(MONDAY, 0))
    assert sent == [f"w:{org.nurse.id}:{session_id}:opens"]
    assert local_times(app) == ["Wed 15:30"], "the day before, as soon as his day shift ends"
    [reminder] = reminders(app)
    assert reminder.kind == "session" and reminder.counts_to_cap
    assert reminder.subject == "Samling torsdag 26. mars kl. 16:00: Refleksjonsgruppe"
    assert "Sted: Møterommet, 2. etg." in reminder.body
    assert reminder.url == f"http://localhost/workshops/series/{series_id}"
    assert read_mail(app).count("Subject: Samling torsdag 26. mars kl. 16:00") == 1

    assert run_week(app, at(MONDAY, 0)) == [], "running the job again sends nothing"
    assert len(reminders(app)) == 1


def test_in_the_persons_language(app, org, session_for_nils):
    with app.app_context():
        db.session.merge(org.nurse).locale = "en"
        db.session.commit()
    run_week(app, at(MONDAY, 0), days=4)
    [reminder] = reminders(app)
    assert "Thursday 26 March" in reminder.subject


def test_none_in_the_rest_after_nights(app, org, session_for_nils):
    """Nights Tuesday and Wednesday (21:30-07:30): Wednesday is sleep between nights and Thursday
    is rest until 14:00, so the reminder waits until then, still before the session."""
    with app.app_context():
        shifts(org, MONDAY + timedelta(days=1), 2, time(21, 30), time(7, 30))
    run_week(app, at(MONDAY, 0))
    assert local_times(app) == ["Thu 14:00"]


def test_none_when_the_rest_lasts_until_the_session(app, org, session_for_nils):
    with app.app_context():
        shifts(org, MONDAY + timedelta(days=1), 3, time(21, 30), time(7, 30))
    assert run_week(app, at(MONDAY, 0)) == []


def test_none_after_leaving_the_series(app, org, session_for_nils):
    series_id, _ = session_for_nils
    with app.app_context():
        participants.leave(db.session.get(WorkshopSeries, series_id), db.session.merge(org.nurse))
        db.session.commit()
    assert run_week(app, at(MONDAY, 0)) == []


def test_none_for_a_closed_series_or_a_passed_session(app, org, session_for_nils):
    series_id, _ = session_for_nils
    assert run_week(app, at(THURSDAY, 16), days=2) == [], "the session has begun"
    with app.app_context():
        attendance.close_series(db.session.get(WorkshopSeries, series_id), now=at(MONDAY, 9))
        db.session.commit()
    assert run_week(app, at(MONDAY, 0)) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 0


def test_counts_in_the_weekly_cap(app, org, assigned, session_for_nils):
    """With an assignment's "new" on Monday and the session's reminder on Wednesday, the week's cap
    of two is used: the assignment's "due in a week" (Friday) waits for next week. The session's
    reminder cannot wait, so it ranks as "due tomorrow" and goes first."""
    _, session_id = session_for_nils
    sent = run_week(app, at(MONDAY, 0))
    assert sent == [
        f"a:{org.nurse.id}:{assigned}:2026-04-03:opens",
        f"w:{org.nurse.id}:{session_id}:opens",
    ]
    assert local_times(app) == ["Mon 13:30", "Wed 15:30"]


def test_shown_in_the_app_and_a_snoozed_one_does_not_come_back_after_leaving(
    app, org, session_for_nils, client
):
    series_id, _ = session_for_nils
    with app.app_context():
        shifts(org, MONDAY, 7, time(7, 30), time(15, 30))
    run_week(app, at(MONDAY, 0), days=3)
    [reminder] = reminders(app)
    client.sign_in(org.nurse)
    page = client.get("/reminders/").get_data(as_text=True)
    assert "Samling ·" in page and reminder.subject in page
    with app.app_context():
        services.snooze(db.session.get(Reminder, reminder.id), at(MONDAY + timedelta(days=2), 15, 40))
        participants.leave(db.session.get(WorkshopSeries, series_id), db.session.merge(org.nurse))
        db.session.commit()
    assert run_week(app, at(MONDAY + timedelta(days=2), 16), days=2) == []
