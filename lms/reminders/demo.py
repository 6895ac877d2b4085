"""Rotas and reminders for the demo municipality, made through the real services.

Every staff member gets six weeks of a three-part rotation (day, evening, night), starting a week
ago, with long weekend shifts every third weekend; each starts at another week of the rotation, so a
ward is staffed around the clock. The reminders the planner would have sent in the past week are
recorded as in-app reminders (no mail is sent), and what comes next shows on each person's
reminder page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from flask import current_app

from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from lms.reminders import sending, services
from lms.reminders.models import Reminder
from lms.shifts.services import add_shift

ROTATION = ("DDD--LL", "EE-NNN-", "--DEE--", "DD---LL", "NNN--DD", "E--DD--")
"""Six weeks: day, evening and night in turn, long weekend shifts (LL) every third weekend."""
TIMES = {
    "D": (time(7, 30), time(15, 30)),
    "E": (time(15, 0), time(22, 30)),
    "N": (time(21, 30), time(7, 30)),
    "L": (time(8, 0), time(20, 0)),
}


def add_rotas_and_reminders(staff: Sequence[Person], today: date, now: datetime | None = None) -> int:
    """Give ``staff`` their rotas and record last week's reminders; returns the reminders made."""
    now = now or utcnow()
    first_monday = today - timedelta(days=today.weekday() + 7)
    for number, person in enumerate(staff):
        for week in range(len(ROTATION)):
            pattern = ROTATION[(week + number) % len(ROTATION)]
            for weekday, code in enumerate(pattern):
                if code != "-":
                    day = first_monday + timedelta(days=7 * week + weekday)
                    add_shift(person, day, *TIMES[code])
    return _past_reminders(staff, now)


def _past_reminders(staff: Sequence[Person], now: datetime) -> int:
    """What the planner placed in the past week, recorded as sent in the app only."""
    since = now - timedelta(days=7)
    made = 0
    for person_plan in services.plan_for(list(staff), since, horizon=timedelta(days=7)):
        for reminder in person_plan.reminders:
            if reminder.send_at >= now:
                break
            item = person_plan.item(reminder.item)
            message = sending.message_for(person_plan.person, item, reminder.stage)
            claimed = sending.claim(
                reminder.key,
                person_plan.person.id,
                item.kind,
                reminder.stage.value,
                message,
                reminder.send_at,
            )
            if claimed is not None:
                made += 1
    if made:
        db.session.query(Reminder).filter(Reminder.sent_at.is_(None)).update(
            {Reminder.sent_at: Reminder.claimed_at}, synchronize_session=False
        )
    current_app.logger.debug("demo: %s reminders recorded", made)
    return made
