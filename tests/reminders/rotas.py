"""Real rota patterns for the planner tests, in local (Oslo) times, and an independent checker of the
rules that the planner must keep."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lms.reminders import planner
from lms.reminders.planner import Policy, Preferences, Reminder, Sent, Shift, ShiftKind
from lms.shifts import working_time

OSLO = ZoneInfo("Europe/Oslo")

CODES = {
    "D": (time(7, 30), time(15, 30)),
    "E": (time(15, 0), time(22, 30)),
    "N": (time(21, 30), time(7, 30)),
    "L": (time(8, 0), time(20, 0)),
}

THREE_PART_SIX_WEEKS = [
    "DDD--LL",
    "EE-NNN-",
    "--DEE--",
    "DD--ELL",
    "NNN--DD",
    "E--DD--",
]
"""Day, evening and night in rotation over six weeks, long shifts every third weekend, and quick
returns (an evening followed by a day shift)."""


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=OSLO).astimezone(UTC)


def rota(first_monday: date, weeks: list[str]) -> list[Shift]:
    shifts = []
    for week_index, week in enumerate(weeks):
        for day_index, code in enumerate(week):
            if code == "-":
                continue
            day = first_monday + timedelta(days=7 * week_index + day_index)
            start, end = CODES[code]
            end_day = day + timedelta(days=1) if end <= start else day
            starts, ends = local(day, start), local(end_day, end)
            shifts.append(Shift(starts, ends, working_time.shift_kind(starts, ends, OSLO)))
    return shifts


# The rules, checked without the planner's own interval code --------------------------------------


def in_quiet_hours(moment: datetime, prefs: Preferences) -> bool:
    at = moment.astimezone(prefs.zone).time()
    qs, qe = prefs.quiet_start, prefs.quiet_end
    if qs == qe:
        return False
    return (at >= qs or at < qe) if qs > qe else (qs <= at < qe)


def on_late_shift(moment: datetime, shifts: list[Shift]) -> bool:
    return any(
        s.start <= moment < s.end and s.kind in (ShiftKind.EVENING, ShiftKind.NIGHT) for s in shifts
    )


def in_short_gap(moment: datetime, shifts: list[Shift], policy: Policy) -> bool:
    ordered = sorted(shifts, key=lambda s: s.start)
    return any(
        a.end <= moment < b.start and b.start - a.end < policy.min_rest
        for a, b in itertools.pairwise(ordered)
    )


def in_night_rest(moment: datetime, shifts: list[Shift], policy: Policy, zone: ZoneInfo) -> bool:
    """After a night shift and before the next shift or 14:00 on the day it ends, or between two
    nights of a run: off duty, asleep."""
    ordered = sorted(shifts, key=lambda s: s.start)
    for index, shift in enumerate(ordered):
        if shift.kind is not ShiftKind.NIGHT or moment < shift.end:
            continue
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is not None and moment >= following.start:
            continue
        if (
            following is not None
            and following.kind is ShiftKind.NIGHT
            and (following.start - shift.end < timedelta(hours=24))
        ):
            return True
        day = shift.end.astimezone(zone).date()
        if moment < datetime.combine(day, policy.night_rest_until, tzinfo=zone):
            return True
    return False


def in_learning_window(moment: datetime, shifts: list[Shift], policy: Policy) -> bool:
    for s in shifts:
        window = policy.windows[s.kind]
        opens = s.start + window.offset
        if opens <= moment < min(opens + window.length, s.end):
            return True
    return False


def broken_rules(
    reminders: list[Reminder],
    shifts: list[Shift],
    prefs: Preferences,
    policy: Policy,
    *,
    now: datetime,
    required: bool = True,
    sent: list[Sent] = (),
) -> list[str]:
    """Every rule a plan breaks, as readable lines (empty when all hold)."""
    broken = []
    for r in reminders:
        at = r.send_at
        where = f"{r.key} at {at.astimezone(prefs.zone):%a %Y-%m-%d %H:%M %Z}"
        if at < now:
            broken.append(f"{where}: in the past")
        if in_quiet_hours(at, prefs) and not (prefs.night_ok and on_late_shift(at, shifts)):
            broken.append(f"{where}: quiet hours")
        if in_short_gap(at, shifts, policy):
            broken.append(f"{where}: gap under 11 hours")
        if in_night_rest(at, shifts, policy, prefs.zone):
            broken.append(f"{where}: rest after night shift")
        if required and shifts and not in_learning_window(at, shifts, policy):
            broken.append(f"{where}: outside paid learning window")
    weeks = Counter(planner.week_of(r.send_at, prefs.zone) for r in reminders)
    for s in sent:
        if s.counts:
            weeks[planner.week_of(s.at, prefs.zone)] += 1
    for week, count in weeks.items():
        if count > policy.weekly_cap and any(
            planner.week_of(r.send_at, prefs.zone) == week for r in reminders
        ):
            broken.append(f"week of {week}: {count} reminders, cap {policy.weekly_cap}")
    return broken
