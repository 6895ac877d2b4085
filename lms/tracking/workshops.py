"""Statements for workshop series: ``attended`` per session, ``completed`` per series, and ``voided``
when a facilitator withdraws a mistaken tick (see docs/xapi-profile.md).

The ids of ``attended`` and ``completed`` statements are made by the workshop service when the event
happens and stored with the attendance or participant row, so a correction can void exactly them.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app

from lms import signals
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from lms.tracking.profile import ACTIVITY_TYPES, PLATFORM, Profile
from lms.workshops.models import WorkshopAttendance, WorkshopParticipant, WorkshopSeries
from lms.workshops.models import WorkshopSession as Session
from xapi.outbox import record


def connect() -> None:
    signals.workshop_attended.connect(session_attended)
    signals.workshop_attendance_withdrawn.connect(attendance_withdrawn)
    signals.workshop_series_completed.connect(series_completed)
    signals.workshop_completion_withdrawn.connect(completion_withdrawn)


def profile() -> Profile:
    return Profile(current_app.config["BASE_URL"])


def series_activity(series: WorkshopSeries) -> dict:
    definition = {"type": ACTIVITY_TYPES["course"], "name": {"nb-NO": series.title}}
    return {
        "objectType": "Activity",
        "id": profile().activity_id("workshop", str(series.id)),
        "definition": definition,
    }


def session_activity(session: Session, series: WorkshopSeries) -> dict:
    number = series.sessions.index(session) + 1 if session in series.sessions else 1
    name = f"{series.title}: samling {number} av {len(series.sessions)}"
    return {
        "objectType": "Activity",
        "id": profile().activity_id("workshop", str(series.id), "session", str(session.id)),
        "definition": {"type": ACTIVITY_TYPES["meeting"], "name": {"nb-NO": name}},
    }


def _context(series: WorkshopSeries, *, parent: bool) -> dict:
    context: dict = {"registration": series.uuid, "platform": PLATFORM, "language": "nb-NO"}
    if series.facilitator is not None:
        context["instructor"] = profile().actor(series.facilitator.uuid)
    if parent:
        context["contextActivities"] = {"parent": [series_activity(series)]}
    return context


def session_attended(
    _app: Flask, attendance: WorkshopAttendance, session: Session, series: WorkshopSeries
) -> None:
    statement = profile().statement(
        attendance.person.uuid,
        "attended",
        session_activity(session, series),
        at=attendance.checked_in_at,
        context=_context(series, parent=True),
    )
    statement["id"] = attendance.statement_id
    record(db.session, statement)


def attendance_withdrawn(
    _app: Flask,
    attendance: WorkshopAttendance,
    session: Session,
    series: WorkshopSeries,
    actor: Person,
    now: datetime | None = None,
) -> None:
    """The voiding statement's actor is the facilitator who made the correction."""
    statement = profile().voiding(actor.uuid, attendance.statement_id, at=now or utcnow())
    record(db.session, statement)


def series_completed(_app: Flask, participant: WorkshopParticipant, series: WorkshopSeries) -> None:
    statement = profile().statement(
        participant.person.uuid,
        "completed",
        series_activity(series),
        at=participant.completed_at,
        context=_context(series, parent=False),
        result={"completion": True},
    )
    statement["id"] = participant.completion_statement_id
    record(db.session, statement)


def completion_withdrawn(
    _app: Flask,
    participant: WorkshopParticipant,
    series: WorkshopSeries,
    statement_id: str,
    now: datetime | None = None,
) -> None:
    actor = series.facilitator or participant.person
    record(db.session, profile().voiding(actor.uuid, statement_id, at=now or utcnow()))
