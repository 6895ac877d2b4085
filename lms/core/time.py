"""Time as people see it: stored in UTC, shown in the installation's time zone (Europe/Oslo)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from lms.db import utcnow


def stated_moment(value: object, earliest: datetime) -> datetime | None:
    """When a phone says something happened (an ISO 8601 string, as JavaScript's ``toISOString``
    writes it), if that falls between ``earliest`` (say, the start of the attempt it belongs to)
    and now; None otherwise, and the caller takes the time the request arrived: a phone's clock
    may be wrong, and a time before the start or in the future cannot be true. The one rule for
    every answer a phone sends late (the solo player's and a group run's)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if earliest.tzinfo is None:
        earliest = earliest.replace(tzinfo=UTC)
    if not earliest <= moment <= utcnow():
        return None
    return moment


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(local_zone()).date()


def start_of_local_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in the installation's zone, as a UTC instant: the boundary to
    compare stored times with, right on both sides of a clock change."""
    return datetime.combine(day, time(0), tzinfo=local_zone()).astimezone(UTC)


DAY_AND_TIME = {
    "weekday": _l("EEEE d. MMMM 'kl.' HH:mm"),
    "with year": _l("EEEE d. MMMM y 'kl.' HH:mm"),
    "in a sentence": _l("d. MMMM 'kl.' HH:mm"),
    "weekday, no 'at'": _l("EEEE d. MMMM HH:mm"),
    "short weekday": _l("EEEE d. MMM HH:mm"),
    "short": _l("d. MMM HH:mm"),
    "short with year": _l("d. MMM y HH:mm"),
}
"""Babel date patterns, as msgids, so each language words "on a day at a time" its own way:
«tirsdag 8. september kl. 14:00» and "Tuesday 8 September at 14:00"; with the year for a mail read
later; without the weekday inside a sentence («Den åpner 8. september kl. 13:30», "It opens at
13:30 on 8 September"); and compact forms for lists and tables («man. 8. sep. 14:00»)."""


def day_and_time(moment: datetime, form: str = "weekday") -> str:
    """``moment`` in the installation's zone and the reader's language, in one of DAY_AND_TIME's
    forms."""
    return format_datetime(moment, str(DAY_AND_TIME[form]))


DAY_AND_MONTH = _l("d. MMMM")
"""A date inside a sentence, as a msgid: «8. september», "8 September"."""


def day_and_month(day: date) -> str:
    """``day`` in the reader's language, e.g. for a due date in a reminder."""
    return format_date(day, str(DAY_AND_MONTH))
