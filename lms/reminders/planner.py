"""The reminder planner: a pure function from plain data to the reminders to send, and when.

No database, no clock, no Flask: ``plan(now, shifts, preferences, policy, items, sent)`` gets
everything it needs as arguments and returns :class:`Reminder` values with their send times. The
services in ``lms.reminders.services`` feed it and act on what it returns; ``docs/reminders.md`` gives
the rules with a drawn example week.

The rules, in the order they are applied:

1. **Where a reminder may go.** A *required* item (an assignment from a manager) is nudged inside paid
   time: in the unit's learning window of a shift (an offset from the shift's start and a length, per
   shift kind: day +6 h, evening +4 h, long +6 h, night +2 h by default). A person with no shifts at
   all gets it in office hours on weekdays. Any other item (a workshop session) goes in free time:
   the hours outside quiet hours when the person is not at work.
2. **Where it may never go** (taken out of the windows of rule 1):
   - the rest after a night shift: the time off between the nights of a run (nights less than 24
     hours apart), and after the last night of the run until 14:00 on the day it ends;
   - a gap of under 11 hours between two shifts (a "quick return"), all of it;
   - quiet hours (22:00-08:00 unless the person set others), except inside an evening or night
     shift when the person chose reminders there (``Preferences.night_ok``).
3. **Escalation.** Each item has stages: when it opens, 7 days before the due date, 1 day before,
   and overdue (the day after). Each stage is placed at the first suitable time at or after its
   trigger. A stage that would land at or after the next stage's trigger is superseded by it; a stage
   that was sent is never planned again, nor is anything earlier than it.
4. **The weekly cap.** At most ``policy.weekly_cap`` reminders per person per week (Monday to Sunday,
   local time), counting what was already sent that week across every kind. When there are more, each
   item's first reminder of the week comes before any item's second (a later stage of the same item
   may not be needed), then the most urgent win (overdue, 1 day, 7 days, opens), then the earliest.

Nothing is planned for an item once it is done: the services pass only open items.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
Interval = tuple[datetime, datetime]
"""A half-open span [start, end) of aware datetimes."""


class ShiftKind(enum.StrEnum):
    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"
    LONG = "long"


def shift_kind(start: datetime, end: datetime, zone: ZoneInfo = OSLO) -> ShiftKind:
    """The kind of a shift from its times: a night starts from 19:00 to 03:59 local time; otherwise a
    shift of 10 hours or more is long; otherwise a day shift starts before 12:00, an evening after."""
    local_start = start.astimezone(zone)
    hours = (end - start).total_seconds() / 3600
    if local_start.hour >= 19 or local_start.hour < 4:
        return ShiftKind.NIGHT
    if hours >= 10:
        return ShiftKind.LONG
    if local_start.hour < 12:
        return ShiftKind.DAY
    return ShiftKind.EVENING


@dataclass(frozen=True, slots=True)
class Shift:
    """Working time: aware ``start`` and ``end`` (stored in UTC), and its kind."""

    start: datetime
    end: datetime
    kind: ShiftKind


@dataclass(frozen=True, slots=True)
class Window:
    """A learning window: from ``offset`` after a shift starts, for ``length`` (cut at the shift's
    end)."""

    offset: timedelta
    length: timedelta


DEFAULT_WINDOWS: Mapping[ShiftKind, Window] = {
    ShiftKind.DAY: Window(timedelta(hours=6), timedelta(hours=1)),
    ShiftKind.EVENING: Window(timedelta(hours=4), timedelta(hours=1)),
    ShiftKind.LONG: Window(timedelta(hours=6), timedelta(hours=1)),
    ShiftKind.NIGHT: Window(timedelta(hours=2), timedelta(hours=1)),
}


@dataclass(frozen=True)
class Policy:
    """A unit's reminder policy."""

    windows: Mapping[ShiftKind, Window] = field(default_factory=lambda: dict(DEFAULT_WINDOWS))
    weekly_cap: int = 2
    min_rest: timedelta = timedelta(hours=11)
    night_rest_until: time = time(14, 0)
    office_hours: tuple[time, time] = (time(9, 0), time(15, 0))
    """Where required items go for a person with no shifts at all (weekdays)."""


@dataclass(frozen=True)
class Preferences:
    """A person's choices. Quiet hours may cross midnight (``start`` later than ``end``)."""

    zone: ZoneInfo = OSLO
    quiet_start: time = time(22, 0)
    quiet_end: time = time(8, 0)
    night_ok: bool = False
    """Reminders inside evening and night shifts even during quiet hours."""


class Stage(enum.StrEnum):
    OPENS = "opens"
    WEEK = "week"
    DAY = "day"
    OVERDUE = "overdue"


STAGE_ORDER = (Stage.OPENS, Stage.WEEK, Stage.DAY, Stage.OVERDUE)
URGENCY = {Stage.OVERDUE: 0, Stage.DAY: 1, Stage.WEEK: 2, Stage.OPENS: 3}


@dataclass(frozen=True)
class Item:
    """Something open for the person: ``ref`` is stable (it is part of each reminder's key)."""

    ref: str
    opens: datetime
    due: date | None = None
    required: bool = True


@dataclass(frozen=True, slots=True)
class Sent:
    """A reminder already sent (or claimed): its key and when. ``counts`` is False for what the cap
    leaves out (a snoozed reminder coming back, a manager's digest)."""

    key: str
    at: datetime
    counts: bool = True


@dataclass(frozen=True, slots=True)
class Reminder:
    key: str
    item: str
    stage: Stage
    send_at: datetime


def reminder_key(item_ref: str, stage: Stage) -> str:
    return f"{item_ref}:{stage.value}"


# Intervals -------------------------------------------------------------------------------------


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(windows: list[Interval], taken: list[Interval]) -> list[Interval]:
    """``windows`` less ``taken``; both sorted and merged."""
    result: list[Interval] = []
    j = 0
    for start, end in windows:
        while j < len(taken) and taken[j][1] <= start:
            j += 1
        k = j
        cursor = start
        while k < len(taken) and taken[k][0] < end:
            if taken[k][0] > cursor:
                result.append((cursor, taken[k][0]))
            cursor = max(cursor, taken[k][1])
            k += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _days(start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def quiet_periods(start: datetime, end: datetime, preferences: Preferences) -> list[Interval]:
    """The person's quiet hours that touch [start, end), in UTC."""
    zone, qs, qe = preferences.zone, preferences.quiet_start, preferences.quiet_end
    if qs == qe:
        return []
    periods = []
    for day in _days(start, end, zone):
        if qs > qe:
            periods.append((_local(day, qs, zone), _local(day + timedelta(days=1), qe, zone)))
        else:
            periods.append((_local(day, qs, zone), _local(day, qe, zone)))
    return _merge(periods)


def rest_periods(shifts: Sequence[Shift], policy: Policy, zone: ZoneInfo) -> list[Interval]:
    """The rest after runs of night shifts, and quick-return gaps (sorted, merged)."""
    periods: list[Interval] = []
    ordered = sorted(shifts, key=lambda s: s.start)
    for index, shift in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is not None and following.start - shift.end < policy.min_rest:
            periods.append((shift.end, following.start))
        if shift.kind is ShiftKind.NIGHT:
            next_night = following is not None and following.kind is ShiftKind.NIGHT
            if next_night and following.start - shift.end < timedelta(hours=24):
                periods.append((shift.end, following.start))  # between nights of a run: sleep
                continue
            last_day = shift.end.astimezone(zone).date()
            until = _local(last_day, policy.night_rest_until, zone)
            if following is not None:
                until = min(until, following.start)
            periods.append((shift.end, max(shift.end, until)))
    return _merge(periods)


# Windows ---------------------------------------------------------------------------------------


@dataclass
class Calendar:
    """One person's suitable times between ``start`` and ``end``: windows for required items and
    for the rest, with every forbidden period taken out. Built once per person per plan."""

    required: list[Interval]
    free: list[Interval]
    forbidden: list[Interval]

    @staticmethod
    def build(
        start: datetime,
        end: datetime,
        shifts: Sequence[Shift],
        preferences: Preferences,
        policy: Policy,
    ) -> Calendar:
        zone = preferences.zone
        ordered = sorted(shifts, key=lambda s: s.start)
        near = [s for s in ordered if s.end > start - timedelta(days=3) and s.start < end]
        quiet = quiet_periods(start, end, preferences)
        if preferences.night_ok:
            on_late_shift = _merge(
                (s.start, s.end) for s in near if s.kind in (ShiftKind.EVENING, ShiftKind.NIGHT)
            )
            quiet = _subtract(quiet, on_late_shift)
        rest = rest_periods(near, policy, zone)
        forbidden = _merge([*quiet, *rest])

        if ordered:
            required = []
            for shift in near:
                window = policy.windows.get(shift.kind)
                if window is None:
                    continue
                opens = shift.start + window.offset
                closes = min(opens + window.length, shift.end)
                if opens < closes:
                    required.append((opens, closes))
            required = _merge(required)
        else:
            first, last = policy.office_hours
            required = [
                (_local(day, first, zone), _local(day, last, zone))
                for day in _days(start, end, zone)
                if day.weekday() < 5
            ]
        days = _days(start, end, zone)
        awake = _merge(
            (_local(day, time(0), zone), _local(day + timedelta(days=1), time(0), zone)) for day in days
        )
        at_work = _merge((s.start, s.end) for s in near)
        free = _subtract(awake, at_work)
        return Calendar(
            required=_subtract(required, forbidden),
            free=_subtract(free, forbidden),
            forbidden=forbidden,
        )

    def next_time(self, after: datetime, required: bool) -> datetime | None:
        """The first suitable time at or after ``after``, or None within the planned span."""
        windows = self.required if required else self.free
        index = bisect.bisect_right(windows, (after, after))
        if index > 0 and windows[index - 1][1] > after:
            return after
        if index < len(windows):
            return max(windows[index][0], after)
        return None


# Planning --------------------------------------------------------------------------------------


def stage_triggers(item: Item, zone: ZoneInfo) -> list[tuple[Stage, datetime]]:
    """When each stage of ``item`` becomes due (local midnight for the date-based ones)."""
    triggers = [(Stage.OPENS, item.opens)]
    if item.due is not None:
        triggers += [
            (Stage.WEEK, _local(item.due - timedelta(days=7), time(0), zone)),
            (Stage.DAY, _local(item.due - timedelta(days=1), time(0), zone)),
            (Stage.OVERDUE, _local(item.due + timedelta(days=1), time(0), zone)),
        ]
    return triggers


def week_of(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday (local) of the week that ``moment`` falls in."""
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def plan(
    now: datetime,
    shifts: Sequence[Shift],
    preferences: Preferences,
    policy: Policy,
    items: Iterable[Item],
    sent: Iterable[Sent] = (),
    *,
    horizon: timedelta = timedelta(days=14),
) -> list[Reminder]:
    """The reminders to send from ``now`` to ``now + horizon``, earliest first."""
    zone = preferences.zone
    sent = list(sent)
    sent_keys = {s.key for s in sent}
    calendar = Calendar.build(now, now + horizon, shifts, preferences, policy)
    end = now + horizon
    candidates: list[Reminder] = []
    for item in items:
        triggers = stage_triggers(item, zone)
        last_sent = max(
            (i for i, (stage, _) in enumerate(triggers) if reminder_key(item.ref, stage) in sent_keys),
            default=-1,
        )
        for index in range(last_sent + 1, len(triggers)):
            stage, trigger = triggers[index]
            at = calendar.next_time(max(trigger, now), item.required)
            if at is None or at >= end:
                continue
            following = triggers[index + 1][1] if index + 1 < len(triggers) else None
            if following is not None and at >= following:
                continue
            candidates.append(Reminder(reminder_key(item.ref, stage), item.ref, stage, at))
    return _within_cap(candidates, sent, policy.weekly_cap, zone)


def _within_cap(
    candidates: list[Reminder], sent: list[Sent], cap: int, zone: ZoneInfo
) -> list[Reminder]:
    used: dict[date, int] = {}
    for done in sent:
        if done.counts:
            week = week_of(done.at, zone)
            used[week] = used.get(week, 0) + 1
    by_week: dict[date, list[Reminder]] = {}
    for reminder in candidates:
        by_week.setdefault(week_of(reminder.send_at, zone), []).append(reminder)
    chosen: list[Reminder] = []
    for week, reminders in by_week.items():
        room = max(0, cap - used.get(week, 0))
        reminders.sort(key=lambda r: (r.send_at, r.key))
        first_of_item: set[str] = set()
        later_stage: set[str] = set()
        for reminder in reminders:
            if reminder.item in first_of_item:
                later_stage.add(reminder.key)
            first_of_item.add(reminder.item)
        reminders.sort(key=lambda r: (r.key in later_stage, URGENCY[r.stage], r.send_at, r.key))
        chosen.extend(reminders[:room])
    chosen.sort(key=lambda r: (r.send_at, r.key))
    return chosen


def next_suitable_time(
    after: datetime,
    shifts: Sequence[Shift],
    preferences: Preferences,
    policy: Policy,
    *,
    required: bool = True,
    horizon: timedelta = timedelta(days=28),
) -> datetime | None:
    """ "Snooze to my next suitable time": the first suitable time after ``after``."""
    calendar = Calendar.build(after, after + horizon, shifts, preferences, policy)
    found = calendar.next_time(after, required)
    if found is None and required:
        found = calendar.next_time(after, False)
    return found
