"""Check-in, attendance and completion.

Completion is decided on every attendance change: the moment a person's attendance reaches the
required share of the series' sessions (``completion.has_completed``), the completion is recorded
once and ``workshop_series_completed`` fires. If a mistaken tick is withdrawn and the person falls
below the share again, the completion is withdrawn too (its statement voided). Closing a series counts
only the sessions actually held, and checks everyone again. Statements are recorded by the receivers
of the ``workshop_*`` signals in ``lms.signals``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from lms import signals
from lms.core.time import day_and_time
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from lms.workshops.completion import has_completed, required_sessions
from lms.workshops.errors import WorkshopError
from lms.workshops.models import (
    CheckInMethod,
    ParticipantStatus,
    WorkshopAttendance,
    WorkshopEvaluation,
    WorkshopParticipant,
    WorkshopSeries,
    WorkshopSession,
)
from lms.workshops.participants import is_eligible, participant_of, participants_with_place

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
"""Self check-in opens this long before a session starts and closes when it ends."""


def check_in_window(session: WorkshopSession) -> tuple[datetime, datetime]:
    return session.starts_at - CHECK_IN_OPENS_BEFORE, session.ends_at


def check_in_open(session: WorkshopSession, now: datetime) -> bool:
    opens, closes = check_in_window(session)
    return opens <= now <= closes


def check_in_problem(session: WorkshopSession, now: datetime) -> str | None:
    """Why self check-in is closed at ``now`` (cancelled, too early, or over), or None."""
    if session.cancelled:
        return _("Samlingen er avlyst.")
    opens, closes = check_in_window(session)
    if now < opens:
        return _(
            "Innsjekkingen har ikke åpnet ennå. Den åpner %(time)s.",
            time=day_and_time(opens, "in a sentence"),
        )
    if now > closes:
        return _(
            "Samlingen er over (den sluttet %(time)s), så du kan ikke sjekke inn nå. "
            "Be veilederen føre deg på listen om du var der.",
            time=day_and_time(closes, "in a sentence"),
        )
    return None


def self_check_in_problem(session: WorkshopSession, person: Person, now: datetime) -> str | None:
    """Why ``person`` cannot check themselves in at ``now``: the window (``check_in_problem``), or
    the series is for other units' staff and they have no place in it; None when they can."""
    problem = check_in_problem(session, now)
    series = session.series
    if problem is None and participant_of(series, person) is None and not is_eligible(person, series):
        return _("Denne serien er for ansatte i %(unit)s.", unit=series.unit.name)
    return problem


def self_check_in(
    session: WorkshopSession, person: Person, now: datetime | None = None
) -> WorkshopAttendance:
    """``person`` checks themselves in (by the QR code at the door). Only from 30 minutes before the
    start until the end; a person of the series' units who had not signed up is signed up (they came).
    Checking in twice changes nothing."""
    now = now or utcnow()
    series = session.series
    problem = self_check_in_problem(session, person, now)
    if problem is not None:
        raise WorkshopError(problem)
    participant = participant_of(series, person)
    if participant is None:
        participant = WorkshopParticipant(
            series=series, person=person, status=ParticipantStatus.SIGNED_UP
        )
        db.session.add(participant)
    elif participant.status is ParticipantStatus.WAITING:
        participant.status = ParticipantStatus.SIGNED_UP
    existing = attendance_of(session, person.id)
    if existing is not None:
        return existing
    return _mark_present(session, person, CheckInMethod.SELF, by=person, now=now)


def attendance_of(session: WorkshopSession, person_id: int) -> WorkshopAttendance | None:
    return db.session.scalar(
        sa.select(WorkshopAttendance).filter_by(session_id=session.id, person_id=person_id)
    )


def _mark_present(
    session: WorkshopSession, person: Person, method: CheckInMethod, *, by: Person, now: datetime
) -> WorkshopAttendance:
    attendance = WorkshopAttendance(
        session=session,
        person=person,
        method=method,
        checked_in_by_id=by.id,
        statement_id=str(uuid.uuid4()),
        checked_in_at=now,
    )
    db.session.add(attendance)
    db.session.flush()
    app = current_app._get_current_object()
    signals.workshop_attended.send(app, attendance=attendance, session=session, series=session.series)
    _settle_completion(session.series, person, now)
    return attendance


def set_attendance(
    session: WorkshopSession, present: Iterable[int], actor: Person, now: datetime | None = None
) -> tuple[int, int]:
    """The facilitator's list: exactly the participants in ``present`` are marked present. Ticks add
    attendance (with its statement); un-ticks remove it and void its statement. Only participants of
    the series can be ticked (WorkshopError otherwise, and nothing changes). Returns (added, removed)."""
    now = now or utcnow()
    series = session.series
    if session.cancelled:
        raise WorkshopError(_("Samlingen er avlyst."))
    present = set(present)
    participants = {
        p.person_id: p
        for p in db.session.scalars(
            sa.select(WorkshopParticipant)
            .filter_by(series_id=series.id)
            .options(selectinload(WorkshopParticipant.person))
        )
    }
    unknown = present - set(participants)
    if unknown:
        raise WorkshopError(_("Bare deltakere i serien kan føres som til stede."))
    current = {
        a.person_id: a
        for a in db.session.scalars(
            sa.select(WorkshopAttendance)
            .filter_by(session_id=session.id)
            .options(selectinload(WorkshopAttendance.person))
        )
    }
    added = removed = 0
    for person_id in sorted(present - set(current)):
        participant = participants[person_id]
        if participant.status is ParticipantStatus.WAITING:
            participant.status = ParticipantStatus.SIGNED_UP
        _mark_present(session, participant.person, CheckInMethod.FACILITATOR, by=actor, now=now)
        added += 1
    for person_id in sorted(set(current) - present):
        withdraw_attendance(current[person_id], actor, now)
        removed += 1
    return added, removed


def withdraw_attendance(
    attendance: WorkshopAttendance, actor: Person, now: datetime | None = None
) -> None:
    """Remove a mistaken attendance; its statement is voided, and a completion that rested on it."""
    now = now or utcnow()
    session, person = attendance.session, attendance.person
    app = current_app._get_current_object()
    signals.workshop_attendance_withdrawn.send(
        app, attendance=attendance, session=session, series=session.series, actor=actor, now=now
    )
    db.session.query(WorkshopEvaluation).filter_by(session_id=session.id, person_id=person.id).delete()
    db.session.delete(attendance)
    db.session.flush()
    _settle_completion(session.series, person, now)


# Completion -------------------------------------------------------------------------------------


def counted_session_ids(series: WorkshopSeries) -> list[int]:
    """The sessions that make up the series: all those not cancelled while it runs; those held once
    it is closed."""
    kept = series.kept_sessions
    if series.closed_at is None:
        return [s.id for s in kept]
    return [s.id for s in kept if s.starts_at <= series.closed_at]


def _settle_completion(series: WorkshopSeries, person: Person, now: datetime) -> None:
    participant = participant_of(series, person)
    if participant is None:
        return
    attended = db.session.scalars(
        sa.select(WorkshopAttendance.session_id)
        .join(WorkshopSession, WorkshopAttendance.session_id == WorkshopSession.id)
        .where(WorkshopSession.series_id == series.id, WorkshopAttendance.person_id == person.id)
    ).all()
    complete = has_completed(counted_session_ids(series), attended, series.required_share)
    app = current_app._get_current_object()
    if complete and participant.completed_at is None:
        participant.completed_at = now
        participant.completion_statement_id = str(uuid.uuid4())
        db.session.flush()
        signals.workshop_series_completed.send(app, participant=participant, series=series)
    elif not complete and participant.completed_at is not None:
        statement_id = participant.completion_statement_id
        participant.completed_at = None
        participant.completion_statement_id = None
        db.session.flush()
        signals.workshop_completion_withdrawn.send(
            app, participant=participant, series=series, statement_id=statement_id, now=now
        )


def close_series(series: WorkshopSeries, now: datetime | None = None) -> None:
    """Close the series: sessions not yet held no longer count, and everyone is checked again."""
    now = now or utcnow()
    series.closed_at = now
    db.session.flush()
    settle_everyone(series, now)


def settle_everyone(series: WorkshopSeries, now: datetime) -> None:
    """Check everyone with a place again, after the sessions that count have changed."""
    for participant in participants_with_place(series):
        _settle_completion(series, participant.person, now)


def required_count(series: WorkshopSeries) -> int:
    return required_sessions(len(counted_session_ids(series)), series.required_share)
