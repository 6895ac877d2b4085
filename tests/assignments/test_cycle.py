"""When a person is next due: month ends, one-off and recurring assignments (pure, no database)."""

from datetime import date

import pytest

from lms.assignments.cycle import add_months, cycle, notice_days


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 3, 29), 24, date(2028, 3, 29)),
    ],
)
def test_months_are_added_within_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_a_one_off_assignment_stays_done():
    state = cycle(date(2026, 12, 1), None, date(2026, 11, 20))
    assert state.due_on is None
    assert not state.is_open(date(2030, 1, 1))
    assert state.done(date(2030, 1, 1)) and not state.overdue(date(2030, 1, 1))


def test_a_recurring_assignment_comes_back_from_the_completion_date():
    state = cycle(date(2026, 12, 1), 12, date(2027, 1, 31))
    assert state.due_on == date(2028, 1, 31)
    assert state.opens_on == date(2028, 1, 1), "a yearly cycle opens 30 days before"
    assert state.done(date(2027, 6, 1)) and not state.is_open(date(2027, 6, 1))
    assert state.is_open(date(2028, 1, 1)) and not state.overdue(date(2028, 1, 31))
    assert state.overdue(date(2028, 2, 1)) and not state.done(date(2028, 2, 1))


def test_a_monthly_cycle_opens_a_week_before_and_never_before_the_first_due_date():
    state = cycle(date(2027, 3, 1), 1, date(2027, 1, 31))
    assert state.due_on == date(2027, 3, 1), "done early: the assignment's own date still counts"
    monthly = cycle(date(2027, 1, 1), 1, date(2027, 1, 31))
    assert monthly.due_on == date(2027, 2, 28)
    assert monthly.opens_on == date(2027, 2, 21)
    assert notice_days(1) == 7 and notice_days(12) == 30


def test_never_completed_is_open_from_the_start():
    state = cycle(date(2026, 12, 1), 12, None)
    assert state.due_on == date(2026, 12, 1) and state.is_open(date(2020, 1, 1))
    assert state.overdue(date(2026, 12, 2)) and not state.done(date(2026, 11, 1))
