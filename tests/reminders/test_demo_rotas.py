"""The demo's rotas: six weeks of a three-part rotation with long weekend shifts, and reminders
planned from them."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from lms.assignments.services import assign_to_person
from lms.extensions import db
from lms.reminders.demo import add_rotas_and_reminders
from lms.reminders.models import Reminder
from lms.shifts.models import Shift
from lms.shifts.working_time import ShiftKind

OSLO = ZoneInfo("Europe/Oslo")


def test_demo_staff_get_rotas_and_last_weeks_reminders(app, org, fixture_module):
    today = date(2026, 3, 25)
    now = datetime(2026, 3, 25, 18, 0, tzinfo=OSLO)
    with app.app_context():
        staff = [db.session.merge(p) for p in (org.nurse, org.assistant, org.facilitator)]
        for person in staff:
            assignment = assign_to_person(fixture_module, person, today + timedelta(days=3))
            assignment.created_at = now - timedelta(days=10)
        made = add_rotas_and_reminders(staff, today, now=now)
        kinds = Counter(db.session.scalars(sa.select(Shift.kind).where(Shift.person_id == org.nurse.id)))
        first = db.session.scalar(sa.select(sa.func.min(Shift.starts_at)))
        last = db.session.scalar(sa.select(sa.func.max(Shift.starts_at)))
        rows = db.session.scalars(sa.select(Reminder)).all()
        people = {r.person_id for r in rows}
        assert set(kinds) == set(ShiftKind) and kinds[ShiftKind.LONG] >= 2
        assert first.astimezone(OSLO).date() == date(2026, 3, 16)
        assert (last - first).days >= 5 * 7
        assert made == len(rows) >= 3
        assert people == {p.id for p in staff}
        assert all(now - timedelta(days=7) <= r.sent_at == r.claimed_at < now for r in rows)
