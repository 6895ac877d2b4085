"""When an introduction item is due, and where a newcomer stands. Pure: no database, no clock.

A rule counts from the person's start date: "innen 14 dager" is the start date + 14 days; "innen 3.
vakt" is the day of their third shift on or after the start date. Where the roster does not reach
that far (no shifts entered, or too few), the missing shifts are counted as if the person worked
every other day after the last known shift (or from the start date), so a newcomer without a
roster still gets a date, a little generous rather than too tight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from lms.introduction.models import DueRule

ASSUMED_SHIFT_GAP = timedelta(days=2)
"""Without a roster, a shift is assumed every other day."""


def due_on(rule: DueRule, count: int, starts_on: date, shift_days: Sequence[date]) -> tuple[date, bool]:
    """The date an item with ``rule`` and ``count`` is due for someone who started on
    ``starts_on`` and works on ``shift_days`` (local dates of their shifts' starts, sorted), and
    whether that date is a shift in the roster (not assumed)."""
    if rule is DueRule.DAYS:
        return starts_on + timedelta(days=count), False
    worked = [day for day in dict.fromkeys(shift_days) if day >= starts_on]
    if len(worked) >= count:
        return worked[count - 1], True
    last = worked[-1] if worked else starts_on - ASSUMED_SHIFT_GAP
    return last + ASSUMED_SHIFT_GAP * (count - len(worked)), False


@dataclass(frozen=True)
class Line:
    """One item of a newcomer's programme."""

    item_id: int
    due_on: date
    done_on: date | None
    signed_by: str | None
    """Who signed off a practical item (their name)."""
    from_roster: bool
    """Whether a shift rule's date comes from the roster (False: assumed, or a days rule)."""

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def overdue(self, today: date) -> bool:
        return not self.done and self.due_on < today


@dataclass(frozen=True)
class Standing:
    """Where a newcomer stands in their programme."""

    lines: tuple[Line, ...]

    @property
    def done(self) -> int:
        return sum(line.done for line in self.lines)

    @property
    def total(self) -> int:
        return len(self.lines)

    def overdue(self, today: date) -> int:
        return sum(line.overdue(today) for line in self.lines)

    def behind(self, today: date) -> bool:
        return self.overdue(today) > 0

    def next_due(self) -> Line | None:
        open_lines = [line for line in self.lines if not line.done]
        return min(open_lines, key=lambda line: line.due_on, default=None)
