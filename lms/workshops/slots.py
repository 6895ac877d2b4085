"""The slot finder: times for a session when the invited people are at work together.

Learning that happens inside paid time is what works (the ABC groups meet in working hours; training
outside paid time is what fails), so the finder looks for times the group is *on shift*, such as the
afternoon overlap of day and evening shifts, and never for times someone should be asleep.

The core is pure: ``rank_slots`` takes candidate intervals, each person's shifts (the reminder
planner's ``Shift`` values) and the moment to look forward from, and answers with ranked ``Slot``
values. Its rules:

1. only times that start after ``after`` (now, from the caller's clock);
2. never a time that touches anyone's rest: the ``policy.min_rest`` (11 hours) after each of their
   shifts ends, and the planner's own rest periods (after a run of nights until the afternoon,
   between the nights of a run), so never after a night;
3. most people at work for the whole session first, then the earliest; one time per day, so the
   list offers days to choose between rather than every half hour of the first good one.

Weekends are not left out: where the service runs around the clock, shifts decide. The service
``suggest_slots`` feeds the core from the rosters (``lms.shifts.services``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lms.reminders.planner import Policy, Shift, rest_periods

Interval = tuple[datetime, datetime]
"""A half-open span [start, end) of aware datetimes."""

STEP = timedelta(minutes=30)
"""Candidate starts are this far apart."""
DAY_OPENS = time(7, 0)
"""The earliest a candidate starts (local time)."""
DAY_CLOSES = time(22, 0)
"""The latest a candidate ends (local time): quiet hours begin."""


@dataclass(frozen=True)
class Slot:
    """A suggested time: who is at work for all of it, and who would come outside their shifts."""

    start: datetime
    end: datetime
    at_work: tuple[int, ...]
    off_duty: tuple[int, ...]

    @property
    def at_work_count(self) -> int:
        return len(self.at_work)


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def rest_of(shifts: Sequence[Shift], policy: Policy, zone: ZoneInfo) -> list[Interval]:
    """A person's rest: ``policy.min_rest`` after each shift, and the planner's rest periods."""
    after_each = [(shift.end, shift.end + policy.min_rest) for shift in shifts]
    return after_each + rest_periods(shifts, policy, zone)


def rank_slots(
    candidates: Iterable[Interval],
    people: Sequence[int],
    shifts: Mapping[int, Sequence[Shift]],
    *,
    after: datetime,
    zone: ZoneInfo,
    policy: Policy | None = None,
    limit: int = 10,
) -> list[Slot]:
    """The candidates that start after ``after`` and touch nobody's rest, with who is at work for
    the whole of each; the best of each local day, most at work first, then earliest."""
    policy = policy or Policy()
    rest = {person: rest_of(shifts.get(person, ()), policy, zone) for person in people}
    best: dict[date, Slot] = {}
    for start, end in sorted(candidates):
        if start <= after or any(overlaps((start, end), r) for p in people for r in rest[p]):
            continue
        at_work = tuple(
            p for p in people if any(s.start <= start and end <= s.end for s in shifts.get(p, ()))
        )
        slot = Slot(start, end, at_work, tuple(p for p in people if p not in at_work))
        day = start.astimezone(zone).date()
        if day not in best or slot.at_work_count > best[day].at_work_count:
            best[day] = slot
    ranked = sorted(best.values(), key=lambda s: (-s.at_work_count, s.start))
    return ranked[:limit]


def candidate_times(first_day: date, days: int, duration: timedelta, zone: ZoneInfo) -> list[Interval]:
    """Every ``STEP`` from ``DAY_OPENS`` for a session of ``duration`` that ends by ``DAY_CLOSES``,
    on each of ``days`` days from ``first_day`` (weekends included), in local time."""
    found = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        begin = datetime.combine(day, DAY_OPENS, tzinfo=zone)
        closes = datetime.combine(day, DAY_CLOSES, tzinfo=zone)
        while begin + duration <= closes:
            found.append((begin, begin + duration))
            begin += STEP
    return found
