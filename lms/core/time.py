"""Time as people see it: stored in UTC, shown in the installation's time zone (Europe/Oslo)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from lms.db import utcnow


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(local_zone()).date()


_DAY_AND_TIME = {
    (True, True): _l("EEEE d. MMMM y 'kl.' HH:mm"),
    (True, False): _l("EEEE d. MMMM 'kl.' HH:mm"),
    (False, False): _l("d. MMMM 'kl.' HH:mm"),
}
"""Babel date patterns, as msgids: each language words "on a day at a time" its own way."""


def day_and_time(moment: datetime, *, weekday: bool = True, year: bool = False) -> str:
    """A moment as a sentence says it, in the installation's zone and the reader's language:
    «tirsdag 8. september kl. 14:00», "Tuesday 8 September at 14:00" (``weekday=False``:
    «8. september kl. 14:00»; ``year=True`` adds the year after the month)."""
    return format_datetime(moment, str(_DAY_AND_TIME[weekday, year]))
