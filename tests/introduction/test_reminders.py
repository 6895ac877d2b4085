"""A newcomer's introduction items are reminded of on their first shifts, like assignments: in the
learning window of a shift, inside the weekly budget, once each."""

from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa

from lms.extensions import db
from lms.reminders.models import Reminder
from lms.shifts.services import add_shift
from tests.introduction.conftest import join, make_programme
from tests.reminders.test_sending import MONDAY, OSLO, at, run_week


def test_the_newcomers_items_are_reminded_of_on_their_first_shifts_within_the_budget(app, org):
    with app.app_context():
        make_programme(org)
        nora = join(org, "Nora Ny", "nora@testvik.no", MONDAY)
        for n in (0, 1, 3, 4):
            add_shift(nora, MONDAY + timedelta(days=n), time(7, 30), time(15, 30))
        db.session.commit()
        nora_id = nora.id
    sent = run_week(app, at(MONDAY, 0))
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Reminder).where(Reminder.person_id == nora_id).order_by(Reminder.id)
        ).all()
        assert rows and all(r.kind == "introduction" for r in rows)
        assert len([r for r in rows if r.counts_to_cap]) <= app.config["REMINDER_WEEKLY_CAP"]
        for reminder in rows:
            local = reminder.claimed_at.astimezone(OSLO)
            assert local.date() in {MONDAY + timedelta(days=n) for n in (0, 1, 3, 4)}, local
            assert time(7, 30) <= local.time() < time(15, 30), local
    assert all(key.startswith(f"i:{nora_id}:") for key in sent if f":{nora_id}:" in key)
    assert run_week(app, at(MONDAY, 0)) == [], "the same week again sends nothing"
