"""A recurring assignment comes back after each completion, on the person's own cycle: on Mine, in
the reminder planner and in the manager's report; a one-off one stays done."""

from datetime import UTC, date, datetime, timedelta

from lms.assignments.services import assign_to_person, assign_to_unit, due_for
from lms.content.services import current_version
from lms.core.time import local_today
from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Person, Unit
from lms.reminders.services import open_items_for
from lms.reports import services as reports


def _completed(person: Person, module_id: str, at: datetime) -> Attempt:
    attempt = Attempt(
        person=person,
        module_id=module_id,
        version=current_version(module_id),
        started_at=at - timedelta(minutes=5),
        completed_at=at,
        passed=True,
        outcome="passed",
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def test_completing_a_recurring_assignment_moves_the_persons_due_date(app, org, fixture_module):
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        assign_to_person(fixture_module, nurse, date(2026, 3, 31), recur_months=12)
        # 00:30 on 29 March 2026 in Oslo, the night the clocks go forward: still 28 March in UTC.
        _completed(nurse, fixture_module, datetime(2026, 3, 28, 23, 30, tzinfo=UTC))

        assert due_for(nurse, today=date(2026, 4, 1)) == [], "done for this cycle"
        assert due_for(nurse, today=date(2027, 2, 26)) == [], "not open yet"
        (item,) = due_for(nurse, today=date(2027, 2, 27))
        assert item.due_on == date(2027, 3, 29), "the local completion date + 12 months"
        assert not item.overdue(date(2027, 3, 29)) and item.overdue(date(2027, 3, 30))

        _completed(nurse, fixture_module, datetime(2027, 3, 20, 9, 0, tzinfo=UTC))
        assert due_for(nurse, today=date(2027, 3, 30)) == []
        (item,) = due_for(nurse, today=date(2028, 3, 1))
        assert item.due_on == date(2028, 3, 20)


def test_a_one_off_assignment_stays_done(app, org, fixture_module):
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        assign_to_person(fixture_module, nurse, date(2026, 12, 1))
        _completed(nurse, fixture_module, datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
        assert due_for(nurse, today=date(2030, 1, 1)) == []
        assert open_items_for([nurse], datetime(2030, 1, 1, 12, 0, tzinfo=UTC)) == {}


def test_the_reminder_planner_gets_the_new_cycle_with_its_own_key(app, org, fixture_module):
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        assign_to_person(fixture_module, nurse, date(2026, 11, 1), recur_months=12)
        _completed(nurse, fixture_module, datetime(2027, 1, 31, 10, 0, tzinfo=UTC))
        assert open_items_for([nurse], datetime(2027, 6, 1, 12, 0, tzinfo=UTC)) == {}
        (item,) = open_items_for([nurse], datetime(2028, 1, 10, 12, 0, tzinfo=UTC))[nurse.id]
        assert item.item.due == date(2028, 1, 31)
        assert item.item.ref == f"a:{nurse.id}:{fixture_module}:2028-01-31"
        assert item.item.opens == datetime(2027, 12, 31, 23, 0, tzinfo=UTC), "local midnight 1 Jan"


def test_the_managers_report_shows_someone_overdue_on_their_second_cycle(
    app, org, client, fixture_module
):
    with app.app_context():
        today = local_today()
        ward = db.session.get(Unit, org.ward.id)
        nurse, manager = db.session.get(Person, org.nurse.id), db.session.get(Person, org.manager.id)
        yearly = assign_to_unit(fixture_module, ward, today - timedelta(days=500), recur_months=12)
        once = assign_to_unit(fixture_module, ward, today - timedelta(days=500))
        noon = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        _completed(nurse, fixture_module, noon - timedelta(days=400))
        _completed(manager, fixture_module, noon - timedelta(days=30))
        db.session.commit()
        yearly_id, once_id = yearly.id, once.id

        rows = {r.assignment.id: r for r in reports.completion({org.ward.id}, today)}
        yearly_row, once_row = rows[yearly_id], rows[once_id]
        assert (yearly_row.done, yearly_row.not_started, yearly_row.overdue) == (1, 1, 1)
        assert yearly_row.done_before == 1, "the nurse did last year's round"
        assert (once_row.done, once_row.overdue, once_row.done_before) == (2, 0, 0)
        (item,) = due_for(nurse, today=today)
        assert item.overdue(today), "Mine shows the nurse overdue again"
        assert due_for(manager, today=today) == []

    client.sign_in(org.manager)
    page = client.get(f"/reports/units/{org.ward.id}").get_data(as_text=True)
    assert "gjentas hver 12. måned" in page
    assert "<strong>1</strong>" in page
    assert page.count("1 fullførte forrige runde") == 1  # the yearly assignment's row only
