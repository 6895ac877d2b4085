"""Working time as plain values: a shift's start, end and kind, and the kind a shift has from its
times. No database and no Flask, so the reminder planner and the workshop slot finder can use them as
they are."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


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
