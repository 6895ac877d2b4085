"""Who takes part in a series: eligibility, sign-up, the waiting list and invitations.

Functions change the session and flush; the caller commits. Mail is queued and goes out after the
commit."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment
from lms.organisation.services import unit_ids_below
from lms.workshops.errors import WorkshopError
from lms.workshops.invitations import mail_series
from lms.workshops.models import (
    ParticipantStatus,
    WorkshopParticipant,
    WorkshopSeries,
)


def eligible_unit_ids(series: WorkshopSeries) -> set[int]:
    return unit_ids_below([series.unit_id])


def is_eligible(person: Person, series: WorkshopSeries) -> bool:
    """Whether ``person`` holds a role in the series' unit or a unit below it."""
    query = sa.select(sa.literal(True)).where(
        RoleAssignment.person_id == person.id,
        RoleAssignment.unit_id.in_(eligible_unit_ids(series)),
    )
    return bool(db.session.scalar(query.limit(1)))


def participant_of(series: WorkshopSeries, person: Person | int) -> WorkshopParticipant | None:
    person_id = person if isinstance(person, int) else person.id
    return db.session.scalar(
        sa.select(WorkshopParticipant).filter_by(series_id=series.id, person_id=person_id)
    )


def participants_with_place(series: WorkshopSeries) -> list[WorkshopParticipant]:
    query = (
        sa.select(WorkshopParticipant)
        .where(
            WorkshopParticipant.series_id == series.id,
            WorkshopParticipant.status != ParticipantStatus.WAITING,
        )
        .options(selectinload(WorkshopParticipant.person))
    )
    return list(db.session.scalars(query))


def seats_taken(series: WorkshopSeries) -> int:
    query = sa.select(sa.func.count()).where(
        WorkshopParticipant.series_id == series.id,
        WorkshopParticipant.status != ParticipantStatus.WAITING,
    )
    return db.session.scalar(query) or 0


def sign_up(series: WorkshopSeries, person: Person) -> WorkshopParticipant:
    """Sign ``person`` up: a place if there is one, else the waiting list. Signing up again changes
    nothing. Raises WorkshopError if the person is outside the series' units or it is closed."""
    existing = participant_of(series, person)
    if existing is not None:
        return existing
    if series.closed_at is not None:
        raise WorkshopError(_("Serien er avsluttet."))
    if not is_eligible(person, series):
        raise WorkshopError(_("Denne serien er for ansatte i %(unit)s.", unit=series.unit.name))
    full = seats_taken(series) >= series.capacity
    participant = WorkshopParticipant(
        series=series,
        person=person,
        status=ParticipantStatus.WAITING if full else ParticipantStatus.SIGNED_UP,
    )
    db.session.add(participant)
    db.session.flush()
    if not full:
        mail_series(participant, invited=False)
    return participant


def leave(series: WorkshopSeries, person: Person) -> None:
    """Take ``person`` off the series (or its waiting list); the first on the waiting list gets the
    place and an e-mail. Attendance already recorded stays."""
    participant = participant_of(series, person)
    if participant is None:
        return
    had_place = participant.has_place
    db.session.delete(participant)
    db.session.flush()
    if had_place:
        _promote_waiting(series)


def _promote_waiting(series: WorkshopSeries) -> None:
    if seats_taken(series) >= series.capacity:
        return
    first = db.session.scalar(
        sa.select(WorkshopParticipant)
        .filter_by(series_id=series.id, status=ParticipantStatus.WAITING)
        .order_by(WorkshopParticipant.created_at, WorkshopParticipant.id)
        .limit(1)
    )
    if first is not None:
        first.status = ParticipantStatus.SIGNED_UP
        db.session.flush()
        mail_series(first, invited=False)


def people_to_invite(series: WorkshopSeries, unit_id: int, role: Role | None) -> list[Person]:
    """Active people holding a role (``role``, when given) in ``unit_id`` or below, who have no place
    in the series yet, by name. ``unit_id`` must lie within the series' units."""
    if unit_id not in eligible_unit_ids(series):
        raise WorkshopError(_("Enheten ligger utenfor seriens enhet."))
    held = sa.select(RoleAssignment.person_id).where(
        RoleAssignment.unit_id.in_(unit_ids_below([unit_id]))
    )
    if role is not None:
        held = held.where(RoleAssignment.role == role)
    placed = sa.select(WorkshopParticipant.person_id).where(
        WorkshopParticipant.series_id == series.id,
        WorkshopParticipant.status != ParticipantStatus.WAITING,
    )
    query = (
        sa.select(Person)
        .where(Person.id.in_(held), Person.id.not_in(placed), Person.active.is_(True))
        .order_by(Person.name)
    )
    return list(db.session.scalars(query))


def invite(series: WorkshopSeries, people: Sequence[Person], by: Person) -> list[WorkshopParticipant]:
    """Give each of ``people`` a place and an e-mail invitation with the sessions as iCalendar.
    All or nothing: if they do not all fit, nobody is invited (WorkshopError says how many fit)."""
    if series.closed_at is not None:
        raise WorkshopError(_("Serien er avsluttet."))
    if not people:
        raise WorkshopError(_("Ingen å invitere: alle som passer, har allerede plass."))
    free = series.capacity - seats_taken(series)
    if len(people) > free:
        raise WorkshopError(
            _(
                "Det er %(free)s ledige plasser, men %(n)s å invitere. Ingen er invitert; "
                "velg en mindre gruppe eller øk kapasiteten.",
                free=max(free, 0),
                n=len(people),
            )
        )
    existing = {
        p.person_id: p
        for p in db.session.scalars(
            sa.select(WorkshopParticipant).where(
                WorkshopParticipant.series_id == series.id,
                WorkshopParticipant.person_id.in_([p.id for p in people]),
            )
        )
    }
    invited = []
    for person in people:
        participant = existing.get(person.id)
        if participant is None:
            participant = WorkshopParticipant(series=series, person=person)
            db.session.add(participant)
        participant.status = ParticipantStatus.INVITED
        participant.invited_by_id = by.id
        invited.append(participant)
    db.session.flush()
    for participant in invited:
        mail_series(participant, invited=True)
    return invited
