"""Agreed actions: what a group agreed at a session, who sees to it (a participant or the
facilitator), by when, and whether it is done. Open actions come back at the series' later
sessions (the agenda and the notes page) until someone marks them done.

Functions change the session and flush; the caller commits."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person
from lms.workshops.errors import WorkshopError
from lms.workshops.models import (
    ActionStatus,
    WorkshopAction,
    WorkshopParticipant,
    WorkshopSeries,
    WorkshopSession,
)


def possible_owners(series: WorkshopSeries) -> list[Person]:
    """Who may own an action: the facilitator and the series' participants, by name."""
    people = list(
        db.session.scalars(
            sa.select(Person)
            .join(WorkshopParticipant, WorkshopParticipant.person_id == Person.id)
            .where(WorkshopParticipant.series_id == series.id)
        )
    )
    if series.facilitator is not None and series.facilitator not in people:
        people.append(series.facilitator)
    return sorted(people, key=lambda person: person.name.casefold())


def add_action(session: WorkshopSession, text: str, owner_id: int, due_on: date) -> WorkshopAction:
    """A new open action agreed at ``session``. The owner must be the facilitator or a participant
    (WorkshopError otherwise, and nothing is added)."""
    text = (text or "").strip()
    if not text:
        raise WorkshopError(_("Skriv hva som er avtalt."))
    if owner_id not in {person.id for person in possible_owners(session.series)}:
        raise WorkshopError(_("Den som har ansvaret, må være veilederen eller en deltaker."))
    action = WorkshopAction(session=session, text=text[:500], owner_id=owner_id, due_on=due_on)
    db.session.add(action)
    db.session.flush()
    return action


def set_status(action: WorkshopAction, status: ActionStatus, now: datetime | None = None) -> None:
    action.status = status
    action.done_at = (now or utcnow()) if status is ActionStatus.DONE else None
    db.session.flush()


def actions_of(session: WorkshopSession) -> list[WorkshopAction]:
    """The actions agreed at ``session``, with their owners, in the order they were agreed."""
    return list(
        db.session.scalars(
            sa.select(WorkshopAction)
            .where(WorkshopAction.session_id == session.id)
            .options(selectinload(WorkshopAction.owner))
            .order_by(WorkshopAction.id)
        )
    )


def open_from_earlier(session: WorkshopSession) -> list[WorkshopAction]:
    """The actions of the series' earlier sessions that are still open: what comes back at
    ``session``."""
    return _open_actions(
        sa.select(WorkshopSession.id).where(
            WorkshopSession.series_id == session.series_id,
            WorkshopSession.starts_at < session.starts_at,
        )
    )


def open_actions_of_series(series: WorkshopSeries) -> list[WorkshopAction]:
    """The series' open actions, for its participants' page."""
    return _open_actions(sa.select(WorkshopSession.id).where(WorkshopSession.series_id == series.id))


def _open_actions(session_ids: sa.Select) -> list[WorkshopAction]:
    """The open actions of the sessions in ``session_ids``, earliest due first."""
    return list(
        db.session.scalars(
            sa.select(WorkshopAction)
            .where(
                WorkshopAction.session_id.in_(session_ids),
                WorkshopAction.status == ActionStatus.OPEN,
            )
            .options(selectinload(WorkshopAction.owner))
            .order_by(WorkshopAction.due_on.is_(None), WorkshopAction.due_on, WorkshopAction.id)
        )
    )


def action_in_series(series: WorkshopSeries, action_id: int) -> WorkshopAction | None:
    action = db.session.get(WorkshopAction, action_id)
    if action is None or action.session.series_id != series.id:
        return None
    return action
