"""Planning a workshop series: its fields, agenda and questions, sessions, cancellations and notes.

Functions change the session and flush; the caller commits. Everyone with a place hears of a new,
moved or cancelled session by e-mail (``invitations``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _

from lms.core.time import local_zone
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.workshops.attendance import settle_everyone
from lms.workshops.errors import WorkshopError
from lms.workshops.invitations import mail_session
from lms.workshops.models import (
    DEFAULT_SHARE,
    WorkshopModule,
    WorkshopSeries,
    WorkshopSession,
)
from lms.workshops.participants import participants_with_place

_AGENDA_LINE = re.compile(r"^\s*(\d{1,3})\s*(?:min(?:utter|\.)?)?\s*[:.\-–]?\s+(.+?)\s*$", re.I)


def parse_agenda(text: str) -> list[dict]:
    """Timed steps, one a line: ``10 min Innledning`` (also ``10 Innledning``, ``10: Innledning``).
    Raises WorkshopError naming the first line that is not a step."""
    steps = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _AGENDA_LINE.match(line)
        if not match or not 0 < int(match.group(1)) <= 480:
            raise WorkshopError(
                _(
                    "Linje %(n)s: «%(line)s» er ikke et steg. Skriv minutter først, for eksempel "
                    "«10 min Innledning».",
                    n=number,
                    line=line.strip(),
                )
            )
        steps.append({"minutes": int(match.group(1)), "text": match.group(2)[:300]})
    return steps


def agenda_text(agenda: Sequence[dict]) -> str:
    return "\n".join(f"{step['minutes']} min {step['text']}" for step in agenda)


def parse_questions(text: str) -> list[str]:
    lines = (line.strip().lstrip("-*• ").strip() for line in (text or "").splitlines())
    return [line[:500] for line in lines if line]


@dataclass
class SeriesFields:
    title: str
    description: str = ""
    agenda: list[dict] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    place: str = ""
    capacity: int = 7
    required_share: int = DEFAULT_SHARE
    module_ids: list[str] = field(default_factory=list)


def create_series(unit: Unit, facilitator: Person, fields: SeriesFields) -> WorkshopSeries:
    series = WorkshopSeries(unit=unit, facilitator=facilitator, title="")
    db.session.add(series)
    _apply(series, fields)
    return series


def update_series(series: WorkshopSeries, fields: SeriesFields) -> None:
    _apply(series, fields)


def _apply(series: WorkshopSeries, fields: SeriesFields) -> None:
    series.title = fields.title.strip()
    series.description = fields.description or ""
    series.agenda = list(fields.agenda)
    series.questions = list(fields.questions)
    series.place = (fields.place or "").strip()
    series.capacity = fields.capacity
    series.required_share = fields.required_share
    wanted = list(dict.fromkeys(fields.module_ids))
    series.module_links = [
        next((link for link in series.module_links if link.module_id == module_id), None)
        or WorkshopModule(module_id=module_id)
        for module_id in wanted
    ]
    for position, link in enumerate(series.module_links):
        link.position = position
    db.session.flush()


def local_datetime(day: date, at: time) -> datetime:
    """A wall-clock time in the installation's zone, as an aware datetime. Raises WorkshopError for
    a time that does not exist (the hour skipped when summer time starts)."""
    zone = local_zone()
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise WorkshopError(
            _(
                "Klokkeslettet %(time)s finnes ikke denne dagen (overgang til sommertid).",
                time=at.strftime("%H:%M"),
            )
        )
    return moment


def session_times(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Start and end of a session entered as a local date and times; an end before the start is on
    the next day (an evening group that runs past midnight)."""
    starts_at = local_datetime(day, start)
    ends_at = local_datetime(day if end > start else day + timedelta(days=1), end)
    if ends_at - starts_at > timedelta(hours=12):
        raise WorkshopError(_("En samling kan vare høyst 12 timer."))
    return starts_at, ends_at


def add_session(
    series: WorkshopSeries, starts_at: datetime, ends_at: datetime, place: str | None = None
) -> WorkshopSession:
    """A new session; everyone with a place in the series gets an invitation to it."""
    if ends_at <= starts_at:
        raise WorkshopError(_("Slutten må være etter starten."))
    session = WorkshopSession(
        series=series, starts_at=starts_at, ends_at=ends_at, place=(place or "").strip() or None
    )
    db.session.add(session)
    db.session.flush()
    db.session.refresh(series, ["sessions"])
    for participant in participants_with_place(series):
        mail_session(participant.person, session, update=False)
    return session


def update_session(
    session: WorkshopSession, starts_at: datetime, ends_at: datetime, place: str | None
) -> bool:
    """Move a session or change its place; if anything changed, the SEQUENCE grows and everyone with
    a place gets the update. Returns whether anything changed."""
    if session.cancelled:
        raise WorkshopError(_("Samlingen er avlyst og kan ikke endres."))
    if ends_at <= starts_at:
        raise WorkshopError(_("Slutten må være etter starten."))
    place = (place or "").strip() or None
    if (session.starts_at, session.ends_at, session.place) == (starts_at, ends_at, place):
        return False
    session.starts_at, session.ends_at, session.place = starts_at, ends_at, place
    session.sequence += 1
    session.updated_at = utcnow()
    db.session.flush()
    for participant in participants_with_place(session.series):
        mail_session(participant.person, session, update=True)
    return True


def cancel_session(session: WorkshopSession, now: datetime | None = None) -> None:
    """Call a coming session off: it stays in the list as cancelled, no longer counts toward the
    series' required share (everyone's completion is checked again), gets no reminders, and
    everyone with a place is told, with an iCalendar CANCEL of a higher SEQUENCE. A session that has
    begun, or was cancelled already, is refused (WorkshopError) and nothing changes."""
    now = now or utcnow()
    if session.cancelled:
        raise WorkshopError(_("Samlingen er allerede avlyst."))
    if session.starts_at <= now:
        raise WorkshopError(_("Samlingen har begynt, så den kan ikke avlyses."))
    session.cancelled_at = now
    session.sequence += 1
    session.updated_at = now
    db.session.flush()
    settle_everyone(session.series, now)
    for participant in participants_with_place(session.series):
        mail_session(participant.person, session, update=True)


def save_notes(session: WorkshopSession, notes: str) -> None:
    session.notes = notes or ""
    session.updated_at = utcnow()
    db.session.flush()
