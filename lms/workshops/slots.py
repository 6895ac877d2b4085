"""The slot finder: candidate times for a session that suit most of the invited people.

The core is pure: ``rank_slots`` takes candidate intervals and each person's busy intervals and
counts who is free. Where busy intervals come from is a plug-in point: the shift feature registers a
``BusySource`` with ``set_busy_source``; until one is registered, ``busy_source()`` is None and the
page says that rosters are not connected rather than guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]
"""A half-open span [start, end) of aware datetimes."""

BusySource = Callable[[Sequence[int], datetime, datetime], Mapping[int, Sequence[Interval]]]
"""``source(person_ids, start, end)`` -> each person's busy intervals (shifts, rest after a night
shift) that overlap [start, end). People missing from the result are taken as free."""

_source: BusySource | None = None


def set_busy_source(source: BusySource | None) -> None:
    """Register where busy intervals come from (the shift feature calls this when it starts)."""
    global _source
    _source = source


def busy_source() -> BusySource | None:
    return _source


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    free: tuple[int, ...]
    busy: tuple[int, ...]

    @property
    def free_count(self) -> int:
        return len(self.free)


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def rank_slots(
    candidates: Iterable[Interval],
    people: Sequence[int],
    busy: Mapping[int, Sequence[Interval]],
    *,
    limit: int = 10,
) -> list[Slot]:
    """The candidates with who is free and who is busy, most free first, then earliest."""
    slots = []
    for start, end in candidates:
        taken = tuple(p for p in people if any(overlaps((start, end), b) for b in busy.get(p, ())))
        free = tuple(p for p in people if p not in taken)
        slots.append(Slot(start, end, free, taken))
    slots.sort(key=lambda s: (-s.free_count, s.start))
    return slots[:limit]


def candidate_times(
    first_day: date,
    days: int,
    starts: Sequence[time],
    duration: timedelta,
    zone: ZoneInfo,
) -> list[Interval]:
    """Every start time on each weekday from ``first_day`` for ``days`` days, in local time."""
    found = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for start in starts:
            begin = datetime.combine(day, start, tzinfo=zone)
            found.append((begin, begin + duration))
    return found
