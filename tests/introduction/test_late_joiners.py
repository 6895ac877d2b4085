"""Fair due dates: someone who joins a unit after a unit requirement's modules were due is not
overdue on their first day, but is after their own date (``LMS_LATE_JOINER_DAYS`` from their start)."""

from __future__ import annotations

from datetime import date, timedelta

from lms.assignments.cycle import fair_due_on
from lms.assignments.services import assign_to_person, due_for
from lms.competence import services as competence
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.reports.services import completion
from tests.introduction.conftest import join
from tests.support.frameworks import import_test_framework


def test_the_rule_gives_late_joiners_their_own_date_and_leaves_everyone_else_alone():
    due = date(2026, 9, 1)
    assert fair_due_on(due, None, 30) == due, "no start date: the assignment's date"
    assert fair_due_on(due, date(2025, 1, 1), 30) == due, "long there: the assignment's date"
    assert fair_due_on(due, date(2026, 10, 1), 30) == date(2026, 10, 31), "joined after"
    assert fair_due_on(due, date(2026, 8, 20), 30) == date(2026, 9, 19), "joined just before"
    assert fair_due_on(due, date(2026, 8, 2), 30) == due, "had 30 days anyway"


def test_a_person_who_joins_after_a_unit_requirements_due_date_is_not_overdue_on_day_one(
    app, client, org, fixture_module
):
    with app.app_context():
        today = local_today()
        zone = db.session.get(Unit, org.zone.id)
        code = import_test_framework()
        competence.add_requirement(code, zone, 1, assign_due_on=today - timedelta(days=10))
        long_there = db.session.get(Person, org.assistant.id)
        (old,) = due_for(long_there)
        assert old.overdue(today), "staff who were there when it was given keep its date"

        newcomer = join(org, "Nora Ny", "nora@testvik.no", today)
        (item,) = due_for(newcomer, today)
        assert item.due_on == today + timedelta(days=30)
        assert not item.overdue(today)
        later = today + timedelta(days=31)
        (after,) = due_for(newcomer, later)
        assert after.overdue(later)
        # The managers' report counts the same: the facilitator and the assistant are overdue
        # today, the newcomer only after their own date.
        (row,) = completion([zone.id], today)
        assert (row.not_started, row.overdue) == (3, 2)
        (row,) = completion([zone.id], later)
        assert row.overdue == 3
        db.session.commit()
    client.sign_in(org.admin)
    page = client.get(f"/reports/units/{org.zone.id}/requirements").text
    assert "aldri frist tidligere enn 30 dager etter sin startdato" in page


def test_a_module_given_to_the_person_keeps_its_date(app, org, fixture_module):
    with app.app_context():
        today = local_today()
        newcomer = join(org, "Nora Ny", "nora@testvik.no", today)
        assign_to_person(fixture_module, newcomer, today - timedelta(days=1))
        (item,) = due_for(newcomer, today)
        assert item.overdue(today)
