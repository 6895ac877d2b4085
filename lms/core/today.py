"""Home as "I dag": the one next step a person should take, and how far off a due date is, in words.

The facts come from the services every other page uses (``lms.assignments.services.due_for`` for due
dates, ``lms.learning.services.overview`` for attempts and standings); this module only chooses among
them. Pure: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, tzinfo

from flask_babel import gettext as _
from flask_babel import ngettext

from lms.assignments.services import DueItem
from lms.learning.models import Attempt
from lms.workshops.models import WorkshopSession
from lms.workshops.pages import MySeries


@dataclass(frozen=True)
class NextStep:
    """The module home puts first: an attempt to continue, an assignment to start, or both."""

    module_id: str
    due: DueItem | None
    attempt: Attempt | None

    @property
    def continues(self) -> bool:
        return self.attempt is not None


def next_step(
    due: list[DueItem], in_progress: list[Attempt], today: date, retaken: Collection[str] = ()
) -> NextStep | None:
    """An overdue assignment first (the most overdue), then the module last worked on, then the
    assignment due soonest; None when there is nothing to do. ``due`` is soonest first and
    ``in_progress`` latest first, as their services return them. A module the person has
    completed and is taking again (``retaken``, ``Overview.retaken``) is no step to take unless it
    is due again: the completion still counts, so the new attempt is their own choice."""
    due_by_module = {item.module_id: item for item in due}
    in_progress = [a for a in in_progress if a.module_id not in retaken or a.module_id in due_by_module]
    open_attempts = {attempt.module_id: attempt for attempt in in_progress}
    if due and due[0].overdue(today):
        first = due[0]
    elif in_progress:
        first = in_progress[0]
    elif due:
        first = due[0]
    else:
        return None
    return NextStep(
        module_id=first.module_id,
        due=due_by_module.get(first.module_id),
        attempt=open_attempts.get(first.module_id),
    )


def lapsed(due: list[DueItem], completed: list[Attempt], today: date) -> dict[str, Attempt]:
    """The completions a recurring assignment's new round has outlived, by module id: the attempt
    of the module's latest completion (``Overview.completed``) where the module is due again and
    overdue (``due``, ``due_for``'s). That completion is history: the round is not done
    (``Cycle.done``, as the managers' report counts it), so home says "sist bestått <date>", not
    "Bestått". While the new round is open and not yet overdue, the completion still counts."""
    overdue = {item.module_id for item in due if item.overdue(today)}
    return {attempt.module_id: attempt for attempt in completed if attempt.module_id in overdue}


def due_in_words(due_on: date, today: date) -> str:
    """ "frist om 3 dager", "frist i morgen", "frist i dag", "forfalt for 2 dager siden"."""
    days = (due_on - today).days
    if days < 0:
        return ngettext("forfalt for %(num)s dag siden", "forfalt for %(num)s dager siden", -days)
    if days == 0:
        return _("frist i dag")
    if days == 1:
        return _("frist i morgen")
    return ngettext("frist om %(num)s dag", "frist om %(num)s dager", days)


def sessions_on(day: date, series_taken: list[MySeries], zone: tzinfo) -> list[WorkshopSession]:
    """The sessions of the person's workshop series (``lms.workshops.pages.my_workshops``) that are
    held on ``day`` in the installation's time zone, earliest first."""
    sessions = [
        session
        for taken in series_taken
        for session in taken.series.kept_sessions
        if session.starts_at.astimezone(zone).date() == day
    ]
    return sorted(sessions, key=lambda session: session.starts_at)
