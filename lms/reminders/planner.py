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
   may not be needed), then the most urgent win (overdue, 1 day, 7 days, opens; an item with a
   latest time, a workshop session, ranks as 1 day; a practice task's follow-up ranks last), then
   the earliest.

A practice task's follow-up ("Hvordan gikk det?") is an item like the others: it opens at the start
of the person's first shift at least ``FOLLOW_UP_GAP`` after the commitment (``follow_up_opens``),
goes in a learning window like required learning, and is dropped if it finds no room within
``FOLLOW_UP_WITHIN`` of the commitment.

Nothing is planned for an item once it is done: the services pass only open items. An item may
have a latest time (``Item.until``): a workshop session's reminder that finds no suitable time
before it is not sent at all.
"""

from __future__ import annotations

import bisect
import enum
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lms.shifts.working_time import OSLO, Shift, ShiftKind

Interval = tuple[datetime, datetime]
"""A half-open span [start, end) of aware datetimes."""


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
FOLLOW_UP_RANK = len(URGENCY)
"""A practice follow-up ranks after every stage of required learning: it never takes an
assignment's place under the cap, only room that is left."""
FOLLOW_UP_GAP = timedelta(hours=12)
"""A follow-up comes on a shift starting at least this long after the commitment, so never on the
shift it was made on."""
FOLLOW_UP_WITHIN = timedelta(days=14)
"""A follow-up goes within this long of the commitment, or not at all."""
FOLLOW_UP_WITHOUT_ROSTER = timedelta(days=2)
"""With no shift to wait for, a follow-up opens this long after the commitment."""


@dataclass(frozen=True)
class Item:
    """Something open for the person: ``ref`` is stable (it is part of each reminder's key)."""

    ref: str
    opens: datetime
    due: date | None = None
    required: bool = True
    until: datetime | None = None
    """The latest a reminder may go, if there is one (a workshop session's, before it starts)."""
    rank: int | None = None
    """Where the item's reminders rank when the weekly cap has to choose (lower first), in place of
    their stage's urgency (``URGENCY``); an item with ``until`` and no rank ranks as "due tomorrow"."""


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


@functools.lru_cache(maxsize=65536)
def _local_ts(day: date, at: time, zone: ZoneInfo) -> int:
    """``day`` at ``at`` in ``zone`` as POSIX seconds (cached: every plan asks for the same few)."""
    return int(datetime.combine(day, at, tzinfo=zone).timestamp())


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return _dt(_local_ts(day, at, zone))


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _dt(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _as_datetimes(intervals: Iterable[tuple[int, int]]) -> list[Interval]:
    return [(_dt(a), _dt(b)) for a, b in intervals]


def _day_range(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date]:
    return (
        start.astimezone(zone).date() - timedelta(days=1),
        end.astimezone(zone).date() + timedelta(days=1),
    )


def quiet_periods(start: datetime, end: datetime, preferences: Preferences) -> list[Interval]:
    """The person's quiet hours that touch [start, end), in UTC."""
    first, last = _day_range(start, end, preferences.zone)
    return _as_datetimes(
        _quiet(first, last, preferences.zone, preferences.quiet_start, preferences.quiet_end)
    )


@functools.lru_cache(maxsize=1024)
def _quiet(first: date, last: date, zone: ZoneInfo, qs: time, qe: time) -> tuple[tuple[int, int], ...]:
    if qs == qe:
        return ()
    periods = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        if qs > qe:
            periods.append((_local_ts(day, qs, zone), _local_ts(day + timedelta(days=1), qe, zone)))
        else:
            periods.append((_local_ts(day, qs, zone), _local_ts(day, qe, zone)))
    return tuple(_merge(periods))


_Timed = tuple[int, int, ShiftKind]
"""A shift as POSIX seconds: start, end, kind (the planner's inner loops use these)."""


def rest_periods(shifts: Sequence[Shift], policy: Policy, zone: ZoneInfo) -> list[Interval]:
    """The rest after runs of night shifts, and quick-return gaps (sorted, merged)."""
    timed = sorted((_ts(s.start), _ts(s.end), s.kind) for s in shifts)
    return _as_datetimes(_rest(timed, policy, zone))


def _rest(timed: Sequence[_Timed], policy: Policy, zone: ZoneInfo) -> list[tuple[int, int]]:
    periods: list[tuple[int, int]] = []
    min_rest = int(policy.min_rest.total_seconds())
    night = ShiftKind.NIGHT
    for index, (_start, end, kind) in enumerate(timed):
        following = timed[index + 1] if index + 1 < len(timed) else None
        if following is not None and following[0] - end < min_rest:
            periods.append((end, following[0]))
        if kind is night:
            if following is not None and following[2] is night and following[0] - end < 86400:
                periods.append((end, following[0]))  # between nights of a run: sleep
                continue
            last_day = datetime.fromtimestamp(end, zone).date()
            until = _local_ts(last_day, policy.night_rest_until, zone)
            if following is not None:
                until = min(until, following[0])
            periods.append((end, max(end, until)))
    return _merge(periods)


# Windows ---------------------------------------------------------------------------------------


@dataclass
class Calendar:
    """One person's suitable times between ``start`` and ``end``: windows for required items and
    for the rest, with every forbidden period taken out (POSIX seconds). Built once per person per
    plan."""

    required: list[tuple[int, int]]
    forbidden: list[tuple[int, int]]
    span: tuple[int, int]
    at_work: list[tuple[int, int]]
    _free: list[tuple[int, int]] | None = None

    @property
    def free(self) -> list[tuple[int, int]]:
        """Free time less forbidden periods (made when first asked for: most plans never do)."""
        if self._free is None:
            self._free = _subtract(_subtract([self.span], self.at_work), self.forbidden)
        return self._free

    @staticmethod
    def build(
        start: datetime,
        end: datetime,
        shifts: Sequence[Shift],
        preferences: Preferences,
        policy: Policy,
    ) -> Calendar:
        zone = preferences.zone
        low, high = _ts(start) - 3 * 86400, _ts(end)
        timed = sorted((_ts(s.start), _ts(s.end), s.kind) for s in shifts)
        # A shift up to a day after ``end`` still decides the rest before it: whether the last gap
        # is a quick return, or the sleep between two nights of a run.
        after = max(int(policy.min_rest.total_seconds()), 86400)
        near = [t for t in timed if t[1] > low and t[0] < high + after]
        first_day, last_day = _day_range(start, end, zone)
        quiet = list(_quiet(first_day, last_day, zone, preferences.quiet_start, preferences.quiet_end))
        if preferences.night_ok:
            late = (ShiftKind.EVENING, ShiftKind.NIGHT)
            quiet = _subtract(quiet, _merge((a, b) for a, b, kind in near if kind in late))
        forbidden = _merge([*quiet, *_rest(near, policy, zone)])

        if timed:
            required = []
            windows = {
                kind: (int(w.offset.total_seconds()), int(w.length.total_seconds()))
                for kind, w in policy.windows.items()
            }
            for shift_start, shift_end, kind in near:
                window = windows.get(kind)
                if window is None:
                    continue
                opens = shift_start + window[0]
                closes = min(opens + window[1], shift_end)
                if opens < closes:
                    required.append((opens, closes))
            required = _merge(required)
        else:
            first, last = policy.office_hours
            required = [
                (_local_ts(day, first, zone), _local_ts(day, last, zone))
                for day in (
                    first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)
                )
                if day.weekday() < 5
            ]
        span = (
            _local_ts(first_day, time(0), zone),
            _local_ts(last_day + timedelta(days=1), time(0), zone),
        )
        return Calendar(
            required=_subtract(required, forbidden),
            forbidden=forbidden,
            span=span,
            at_work=_merge((a, b) for a, b, _kind in near),
        )

    def next_time(self, after: datetime, required: bool) -> datetime | None:
        """The first suitable time at or after ``after``, or None within the planned span."""
        found = self.next_ts(_ts(after), required)
        if found is None:
            return None
        return after if found == _ts(after) else _dt(found)

    def next_ts(self, after: int, required: bool) -> int | None:
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


def follow_up_opens(committed_at: datetime, shifts: Sequence[Shift]) -> datetime:
    """When a practice task's follow-up opens: the start of the first shift that starts at least
    ``FOLLOW_UP_GAP`` and at most ``FOLLOW_UP_WITHIN`` after the commitment, or, with no such shift,
    ``FOLLOW_UP_WITHOUT_ROSTER`` after it."""
    earliest, latest = committed_at + FOLLOW_UP_GAP, committed_at + FOLLOW_UP_WITHIN
    starts = [s.start for s in shifts if earliest <= s.start < latest]
    return min(starts, default=committed_at + FOLLOW_UP_WITHOUT_ROSTER)


def follow_up_item(ref: str, committed_at: datetime, shifts: Sequence[Shift]) -> Item:
    """A practice follow-up as the planner's item: required learning's windows (inside a shift, or
    office hours for someone without a roster), from ``follow_up_opens``, until
    ``FOLLOW_UP_WITHIN`` after the commitment, ranked last under the cap."""
    return Item(
        ref=ref,
        opens=follow_up_opens(committed_at, shifts),
        until=committed_at + FOLLOW_UP_WITHIN,
        rank=FOLLOW_UP_RANK,
    )


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
    items = list(items)
    sent_keys = {s.key for s in sent}
    calendar = Calendar.build(now, now + horizon, shifts, preferences, policy)
    now_ts = _ts(now)
    end = _ts(now + horizon)
    candidates: list[Reminder] = []
    for item in items:
        triggers = [(stage, _ts(at)) for stage, at in stage_triggers(item, zone)]
        last_sent = max(
            (i for i, (stage, _) in enumerate(triggers) if reminder_key(item.ref, stage) in sent_keys),
            default=-1,
        )
        for index in range(last_sent + 1, len(triggers)):
            stage, trigger = triggers[index]
            at = calendar.next_ts(max(trigger, now_ts), item.required)
            if at is None or at >= end or (item.until is not None and at >= _ts(item.until)):
                continue
            following = triggers[index + 1][1] if index + 1 < len(triggers) else None
            if following is not None and at >= following:
                continue
            send_at = now if at == now_ts else _dt(at)
            candidates.append(Reminder(reminder_key(item.ref, stage), item.ref, stage, send_at))
    ranks = {ref: rank for ref, rank in ((item.ref, _rank(item)) for item in items) if rank is not None}
    return _within_cap(candidates, sent, policy.weekly_cap, zone, ranks)


def _rank(item: Item) -> int | None:
    """The item's own rank under the cap: given, or "due tomorrow" for an item with a latest time
    (a workshop session's, which cannot wait for next week); None to rank by stage."""
    if item.rank is not None:
        return item.rank
    return URGENCY[Stage.DAY] if item.until is not None else None


def _within_cap(
    candidates: list[Reminder],
    sent: list[Sent],
    cap: int,
    zone: ZoneInfo,
    ranks: Mapping[str, int],
) -> list[Reminder]:
    """The candidates the weekly cap leaves room for, the most urgent first: by the item's own
    rank (``ranks``) where it has one, else by the stage's urgency."""

    def urgency(reminder: Reminder) -> int:
        return ranks.get(reminder.item, URGENCY[reminder.stage])

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
        reminders.sort(key=lambda r: (r.key in later_stage, urgency(r), r.send_at, r.key))
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
