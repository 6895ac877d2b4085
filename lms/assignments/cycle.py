"""When a person is next due for an assignment (pure: no database, no clock).

A one-off assignment is done for good once the person has completed the module. A recurring one
(every ``recur_months``) comes back: the next due date is the last completion + ``recur_months``
(never before the assignment's own due date), and it shows as open again a while before that."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on, kept inside the month: 31 January + 1 month is
    the last day of February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def notice_days(recur_months: int) -> int:
    """How long before a recurring assignment's next due date it opens again: a week per month of
    the cycle, at most 30 days (a monthly check opens a week before, a yearly one a month before)."""
    return min(30, 7 * recur_months)


@dataclass(frozen=True)
class Cycle:
    """Where one person stands on one assignment."""

    due_on: date | None
    """The date the person must (next) complete it by; None: done, and never due again."""
    last_done: date | None
    """The local date of their last completion of the module, if any."""
    opens_on: date | None
    """From when it is open (shown as due, reminded); None: open since it was assigned."""

    def overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today

    def is_open(self, today: date) -> bool:
        """To do now: not done for good, and inside its window (a new cycle has opened)."""
        return self.due_on is not None and (self.opens_on is None or self.opens_on <= today)

    def done(self, today: date) -> bool:
        """Completed, and (when it recurs) the completion still covers today."""
        return self.last_done is not None and not self.overdue(today)


def fair_due_on(due_on: date, starts_on: date | None, days: int) -> date:
    """The due date of a unit assignment for a person who started on ``starts_on``: never earlier
    than ``days`` after their start, so that someone who joins after (or just before) its due
    date is not overdue on their first day. Without a start date, the assignment's own date."""
    if starts_on is None:
        return due_on
    return max(due_on, starts_on + timedelta(days=days))


def cycle(due_on: date, recur_months: int | None, last_done: date | None) -> Cycle:
    """The person's cycle on an assignment due ``due_on`` that recurs every ``recur_months`` (None:
    once), given the local date of their last completion of its module."""
    if last_done is None:
        return Cycle(due_on, None, None)
    if not recur_months:
        return Cycle(None, last_done, None)
    next_due = max(due_on, add_months(last_done, recur_months))
    return Cycle(next_due, last_done, next_due - timedelta(days=notice_days(recur_months)))
