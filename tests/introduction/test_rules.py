"""Due dates of introduction items: from the start date, or the roster's n-th shift (pure)."""

from datetime import date

from lms.introduction.models import DueRule
from lms.introduction.rules import due_on

START = date(2026, 3, 25)


def test_a_days_rule_counts_from_the_start_date():
    assert due_on(DueRule.DAYS, 14, START, []) == (date(2026, 4, 8), False)


def test_a_shift_rule_is_the_day_of_that_shift_in_the_roster_from_the_start():
    shifts = [
        date(2026, 3, 20),
        date(2026, 3, 26),
        date(2026, 3, 26),
        date(2026, 3, 29),
        date(2026, 4, 2),
    ]
    # A shift before the start does not count; two shifts on one day are one working day.
    assert due_on(DueRule.SHIFT, 3, START, shifts) == (date(2026, 4, 2), True)
    assert due_on(DueRule.SHIFT, 1, START, shifts) == (date(2026, 3, 26), True)


def test_without_a_roster_shifts_are_assumed_every_other_day():
    assert due_on(DueRule.SHIFT, 1, START, []) == (START, False)
    assert due_on(DueRule.SHIFT, 3, START, []) == (date(2026, 3, 29), False)


def test_a_short_roster_is_continued_every_other_day_from_its_last_shift():
    assert due_on(DueRule.SHIFT, 3, START, [date(2026, 3, 27)]) == (date(2026, 3, 31), False)
