"""The pages' data, a fixed number of queries each whatever the number of rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.core.time import local_zone
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit
from lms.shifts.services import shifts_between
from lms.workshops import slots
from lms.workshops.attendance import check_in_open
from lms.workshops.models import (
    CheckInMethod,
    ParticipantStatus,
    WorkshopAttendance,
    WorkshopEvaluation,
    WorkshopParticipant,
    WorkshopSeries,
    WorkshopSession,
)

REST_LOOK_BACK = timedelta(days=2)
"""Shifts this long before the first candidate still count: the rest after them may reach it."""
NOT_REACHED_WINDOW = timedelta(days=183)
"""A person counts as reached if they took part in a series with a session within about six months."""


def series_with_sessions(series_id: int) -> WorkshopSeries | None:
    return db.session.scalar(
        sa.select(WorkshopSeries)
        .where(WorkshopSeries.id == series_id)
        .options(
            selectinload(WorkshopSeries.sessions),
            selectinload(WorkshopSeries.unit),
            selectinload(WorkshopSeries.facilitator),
        )
    )


@dataclass
class SheetRow:
    person: Person
    status: ParticipantStatus
    present: bool
    method: CheckInMethod | None


def attendance_sheet(session: WorkshopSession) -> list[SheetRow]:
    """Everyone in the series, by name, and whether they are marked present at ``session``."""
    participants = db.session.scalars(
        sa.select(WorkshopParticipant)
        .join(Person, WorkshopParticipant.person_id == Person.id)
        .where(WorkshopParticipant.series_id == session.series_id)
        .options(selectinload(WorkshopParticipant.person))
        .order_by(Person.name)
    ).all()
    present = dict(
        db.session.execute(
            sa.select(WorkshopAttendance.person_id, WorkshopAttendance.method).where(
                WorkshopAttendance.session_id == session.id
            )
        ).all()
    )
    return [
        SheetRow(p.person, p.status, p.person_id in present, present.get(p.person_id))
        for p in participants
    ]


@dataclass
class ParticipantRow:
    participant: WorkshopParticipant
    attended: int


def participant_rows(series: WorkshopSeries) -> list[ParticipantRow]:
    counts = dict(
        db.session.execute(
            sa.select(WorkshopAttendance.person_id, sa.func.count())
            .join(WorkshopSession, WorkshopAttendance.session_id == WorkshopSession.id)
            .where(WorkshopSession.series_id == series.id, WorkshopSession.cancelled_at.is_(None))
            .group_by(WorkshopAttendance.person_id)
        ).all()
    )
    participants = db.session.scalars(
        sa.select(WorkshopParticipant)
        .join(Person, WorkshopParticipant.person_id == Person.id)
        .where(WorkshopParticipant.series_id == series.id)
        .options(selectinload(WorkshopParticipant.person))
        .order_by(WorkshopParticipant.status != ParticipantStatus.WAITING, Person.name)
    ).all()
    rows = [ParticipantRow(p, counts.get(p.person_id, 0)) for p in participants]
    return sorted(rows, key=lambda r: (not r.participant.has_place, r.participant.person.name))


@dataclass
class MySeries:
    participant: WorkshopParticipant
    series: WorkshopSeries
    next_session: WorkshopSession | None
    open_check_in: WorkshopSession | None
    to_evaluate: list[WorkshopSession]
    attended: int


def my_workshops(person: Person, now: datetime | None = None) -> list[MySeries]:
    """The series ``person`` takes part in, each with the next session, a session open for check-in
    and sessions attended but not yet evaluated; in four queries whatever the number of series."""
    now = now or utcnow()
    participants = db.session.scalars(
        sa.select(WorkshopParticipant)
        .where(WorkshopParticipant.person_id == person.id)
        .options(
            selectinload(WorkshopParticipant.series).selectinload(WorkshopSeries.sessions),
        )
    ).all()
    attended = set(
        db.session.scalars(
            sa.select(WorkshopAttendance.session_id).where(WorkshopAttendance.person_id == person.id)
        )
    )
    evaluated = set(
        db.session.scalars(
            sa.select(WorkshopEvaluation.session_id).where(WorkshopEvaluation.person_id == person.id)
        )
    )
    mine = []
    for participant in participants:
        series = participant.series
        upcoming = [s for s in series.kept_sessions if s.ends_at >= now]
        mine.append(
            MySeries(
                participant=participant,
                series=series,
                next_session=upcoming[0] if upcoming else None,
                open_check_in=next(
                    (s for s in upcoming if check_in_open(s, now) and s.id not in attended), None
                ),
                to_evaluate=[s for s in series.sessions if s.id in attended and s.id not in evaluated],
                attended=sum(1 for s in series.kept_sessions if s.id in attended),
            )
        )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(mine, key=lambda m: m.next_session.starts_at if m.next_session else far)


def open_series_for(person: Person, now: datetime | None = None) -> list[WorkshopSeries]:
    """Series the person could sign up for (their units or a unit above), still running, not joined."""
    now = now or utcnow()
    held = set(
        db.session.scalars(
            sa.select(RoleAssignment.unit_id).where(RoleAssignment.person_id == person.id)
        )
    )
    parents = dict(db.session.execute(sa.select(Unit.id, Unit.parent_id)).all())
    reachable: set[int] = set()
    for unit_id in held:
        while unit_id is not None and unit_id not in reachable:
            reachable.add(unit_id)
            unit_id = parents.get(unit_id)
    joined = sa.select(WorkshopParticipant.series_id).where(WorkshopParticipant.person_id == person.id)
    upcoming = sa.select(WorkshopSession.series_id).where(WorkshopSession.ends_at >= now)
    query = (
        sa.select(WorkshopSeries)
        .where(
            WorkshopSeries.unit_id.in_(reachable),
            WorkshopSeries.closed_at.is_(None),
            WorkshopSeries.id.not_in(joined),
            WorkshopSeries.id.in_(upcoming),
        )
        .options(selectinload(WorkshopSeries.sessions))
        .order_by(WorkshopSeries.title)
    )
    return list(db.session.scalars(query))


def series_in_units(unit_ids: Iterable[int]) -> list[WorkshopSeries]:
    query = (
        sa.select(WorkshopSeries)
        .where(WorkshopSeries.unit_id.in_(list(unit_ids)))
        .options(selectinload(WorkshopSeries.sessions), selectinload(WorkshopSeries.unit))
        .order_by(WorkshopSeries.closed_at.is_not(None), WorkshopSeries.title)
    )
    return list(db.session.scalars(query))


def not_reached(unit_ids: Iterable[int], now: datetime | None = None) -> list[Person]:
    """Active staff of these units who have had no place in any series with a session in the last
    six months or ahead: the people group learning has not reached yet."""
    now = now or utcnow()
    since = now - NOT_REACHED_WINDOW
    staff = sa.select(RoleAssignment.person_id).where(
        RoleAssignment.unit_id.in_(list(unit_ids)), RoleAssignment.role == Role.STAFF
    )
    recent_series = sa.select(WorkshopSession.series_id).where(WorkshopSession.starts_at >= since)
    reached = sa.select(WorkshopParticipant.person_id).where(
        WorkshopParticipant.series_id.in_(recent_series),
        WorkshopParticipant.status != ParticipantStatus.WAITING,
    )
    query = (
        sa.select(Person)
        .where(Person.id.in_(staff), Person.id.not_in(reached), Person.active.is_(True))
        .options(selectinload(Person.roles).selectinload(RoleAssignment.unit))
        .order_by(Person.name)
    )
    return list(db.session.scalars(query))


SLOT_DAYS = 14
"""How many days the slot finder looks through."""


@dataclass
class SlotSuggestions:
    ranked: list[slots.Slot]
    rosters_known: bool
    """Whether any of the people has shifts in the span (else nothing is known of paid time)."""


def slot_suggestions(
    session: WorkshopSession, person_ids: Sequence[int], now: datetime
) -> SlotSuggestions:
    """Times for ``session``, for ``person_ids``, from their shifts: from a week before the session
    (never before today) for ``SLOT_DAYS`` days, only after ``now``."""
    zone = local_zone()
    first_day = max(
        now.astimezone(zone).date(), session.starts_at.astimezone(zone).date() - timedelta(days=7)
    )
    duration = session.ends_at - session.starts_at
    candidates = slots.candidate_times(first_day, SLOT_DAYS, duration, zone)
    if not candidates or not person_ids:
        return SlotSuggestions([], False)
    shifts = shifts_between(person_ids, candidates[0][0] - REST_LOOK_BACK, candidates[-1][1])
    ranked = slots.rank_slots(candidates, person_ids, shifts, after=now, zone=zone)
    return SlotSuggestions(ranked, bool(shifts))
