"""Sessions as iCalendar (RFC 5545; iTIP methods from RFC 5546).

Each session is one VEVENT with a stable ``UID`` and a ``SEQUENCE`` that grows with every change, so a
calendar that got the invitation updates the event in place. Times are written in the installation's
zone (``DTSTART;TZID=Europe/Oslo``) with its VTIMEZONE, so a meeting at 14:00 stays at 14:00 across a
daylight-saving change.

- An invitation or update of one session (e-mail attachment and download) is ``METHOD:REQUEST`` with
  one VEVENT, the facilitator (or the installation) as ORGANIZER and the person as ATTENDEE: iTIP wants
  one UID per message. A cancelled session is ``METHOD:CANCEL`` with ``STATUS:CANCELLED`` and the
  SEQUENCE raised by the cancellation, so calendars take the event out.
- The whole series as a download is ``METHOD:PUBLISH`` with every session: a calendar to import.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar

from lms.db import utcnow
from lms.organisation.models import Person
from lms.workshops.models import WorkshopSession

PRODID = "-//Lærevakt//Samlinger//NO"


def session_calendar(
    session: WorkshopSession,
    *,
    zone: ZoneInfo,
    url: str,
    mail_from: str,
    attendee: Person | None = None,
    number: int | None = None,
) -> bytes:
    """One session as an invitation (or, with a higher SEQUENCE, an update; or its cancellation)."""
    calendar = _calendar(method_of(session))
    calendar.add_component(
        _event(session, zone=zone, url=url, mail_from=mail_from, attendee=attendee, number=number)
    )
    return _finish(calendar, [session], zone)


def series_calendar(
    sessions: Sequence[WorkshopSession], *, zone: ZoneInfo, urls: Sequence[str], mail_from: str
) -> bytes:
    """Every session of a series, to import into a calendar."""
    calendar = _calendar("PUBLISH")
    for number, (session, url) in enumerate(zip(sessions, urls, strict=True), start=1):
        calendar.add_component(_event(session, zone=zone, url=url, mail_from=mail_from, number=number))
    return _finish(calendar, sessions, zone)


def method_of(session: WorkshopSession) -> str:
    """The iTIP method of a message about ``session``."""
    return "CANCEL" if session.cancelled else "REQUEST"


def _calendar(method: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(
    session: WorkshopSession,
    *,
    zone: ZoneInfo,
    url: str,
    mail_from: str,
    attendee: Person | None = None,
    number: int | None = None,
) -> icalendar.Event:
    series = session.series
    event = icalendar.Event()
    event.add("uid", session.uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", utcnow())
    event.add("last-modified", session.updated_at)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    summary = series.title if number is None else f"{series.title} ({number}/{len(series.sessions)})"
    event.add("summary", summary)
    if session.where:
        event.add("location", session.where)
    event.add("description", f"{url}\n\n{series.description}".strip())
    event.add("url", url)
    event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = series.facilitator
    name, address = parseaddr(mail_from)
    if organizer is not None and organizer.email:
        name, address = organizer.name, organizer.email
    event.add("organizer", f"mailto:{address}", parameters={"CN": name or address})
    if attendee is not None and attendee.email:
        event.add(
            "attendee",
            f"mailto:{attendee.email}",
            parameters={
                "CN": attendee.name,
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "FALSE",
            },
        )
    return event


def _finish(calendar: icalendar.Calendar, sessions: Sequence[WorkshopSession], zone: ZoneInfo) -> bytes:
    """Add the VTIMEZONE, covering the sessions' years only (its RDATE list stays short)."""
    years = [s.starts_at.astimezone(zone).year for s in sessions] or [utcnow().year]
    calendar.add_missing_timezones(
        first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1)
    )
    return calendar.to_ical()
