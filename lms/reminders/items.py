"""What the planner is fed besides assignments, and the shape every open item has: workshop sessions
and practice follow-ups, and the items of newcomers' introduction programmes.

Everyone with a place in a series (signed up or invited, not on the waiting list) gets one reminder
before each of its sessions: from local midnight the day before, at the first free time by the
planner's rules (not at work, not in rest after nights or a quick return, not in quiet hours), and no
later than ``LAST_CALL`` before the start. Nothing is planned for a session that has passed or was
cancelled, a series that was closed (its sessions not yet held are called off), or a person who left
the series.

A practice card's "Ja, jeg prøver" comes back as "Hvordan gikk det?" on the first shift that starts
at least 12 hours after the commitment (``planner.follow_up_item``), in a learning window, within 14
days, or not at all once answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from lms.core.time import local_zone
from lms.extensions import db
from lms.introduction import services as introduction
from lms.introduction.models import ItemKind
from lms.practice.services import open_follow_ups
from lms.reminders import planner
from lms.shifts.services import shifts_between
from lms.workshops.models import ParticipantStatus, WorkshopParticipant, WorkshopSeries, WorkshopSession

LAST_CALL = timedelta(hours=1)
"""A session's reminder goes at least this long before it starts, or not at all."""
LOOK_AHEAD = timedelta(days=35)
"""Sessions further ahead than this are not fed to the planner (it plans three weeks ahead)."""


@dataclass(frozen=True)
class OpenItem:
    """An open item with what a message about it needs."""

    item: planner.Item
    kind: str
    titles: dict
    minutes: int
    path: str
    starts_at: datetime | None = None
    """A workshop session's start."""
    place: str = ""
    """A workshop session's place."""


def session_ref(person_id: int, session_id: int) -> str:
    return f"w:{person_id}:{session_id}"


def session_items_for(person_ids: Sequence[int], now: datetime) -> dict[int, list[OpenItem]]:
    """The coming sessions of the series each person has a place in, in one query."""
    if not person_ids:
        return {}
    rows = db.session.execute(
        sa.select(WorkshopParticipant.person_id, WorkshopSession, WorkshopSeries)
        .join(WorkshopSeries, WorkshopSeries.id == WorkshopParticipant.series_id)
        .join(WorkshopSession, WorkshopSession.series_id == WorkshopSeries.id)
        .where(
            WorkshopParticipant.person_id.in_(list(person_ids)),
            WorkshopParticipant.status != ParticipantStatus.WAITING,
            WorkshopSeries.closed_at.is_(None),
            WorkshopSession.cancelled_at.is_(None),
            WorkshopSession.starts_at > now + LAST_CALL,
            WorkshopSession.starts_at < now + LOOK_AHEAD,
        )
        .order_by(WorkshopSession.starts_at, WorkshopSession.id)
    )
    zone = local_zone()
    found: dict[int, list[OpenItem]] = {}
    for person_id, session, series in rows:
        day_before = session.starts_at.astimezone(zone).date() - timedelta(days=1)
        item = planner.Item(
            ref=session_ref(person_id, session.id),
            opens=datetime.combine(day_before, time(0), tzinfo=zone),
            required=False,
            until=session.starts_at - LAST_CALL,
        )
        found.setdefault(person_id, []).append(
            OpenItem(
                item=item,
                kind="session",
                titles={"nb": series.title},
                minutes=int((session.ends_at - session.starts_at).total_seconds() // 60),
                path=f"/workshops/series/{series.id}",
                starts_at=session.starts_at,
                place=session.place or series.place,
            )
        )
    return found


def follow_up_ref(person_id: int, follow_up_id: int) -> str:
    return f"p:{person_id}:{follow_up_id}"


def follow_up_items_for(person_ids: Sequence[int], now: datetime) -> dict[int, list[OpenItem]]:
    """Each person's unanswered practice follow-ups still within ``planner.FOLLOW_UP_WITHIN`` of
    their commitment, each opening on a later shift (two queries, one for the shifts)."""
    open_ones = open_follow_ups(person_ids, now - planner.FOLLOW_UP_WITHIN)
    if not open_ones:
        return {}
    shifts = shifts_between(
        {f.person_id for f in open_ones},
        min(f.committed_at for f in open_ones),
        max(f.committed_at for f in open_ones) + planner.FOLLOW_UP_WITHIN,
    )
    found: dict[int, list[OpenItem]] = {}
    for follow_up in open_ones:
        item = planner.follow_up_item(
            follow_up_ref(follow_up.person_id, follow_up.id),
            follow_up.committed_at,
            shifts.get(follow_up.person_id, []),
        )
        found.setdefault(follow_up.person_id, []).append(
            OpenItem(
                item=item,
                kind="practice",
                titles=dict(follow_up.titles),
                minutes=1,
                path=f"/practice/{follow_up.id}",
            )
        )
    return found


PRACTICAL_MINUTES = 15
"""How long a practical item ("vist og gjennomgått") is said to take in its reminder."""


def introduction_items_for(person_ids: Sequence[int], today: date) -> dict[int, list[OpenItem]]:
    """The open items of each newcomer's introduction programmes, due by their programme's rule
    (``lms.introduction.rules``) and open from their start date; required (placed in paid time on
    their shifts, like assignments). A fixed number of queries."""
    found: dict[int, list[OpenItem]] = {}
    zone = local_zone()
    for newcomer in introduction.open_newcomers(person_ids, today):
        opens = datetime.combine(newcomer.enrolment.starts_on, time(0), tzinfo=zone)
        for item, line in newcomer.rows:
            if line.done:
                continue
            ref = f"i:{newcomer.enrolment.person_id}:{item.id}"
            module = item.module.current_version if item.module else None
            found.setdefault(newcomer.enrolment.person_id, []).append(
                OpenItem(
                    item=planner.Item(ref=ref, opens=opens, due=line.due_on),
                    kind="introduction",
                    titles=module.manifest["title"] if module else {"nb": item.title},
                    minutes=int(module.manifest.get("minutes", 5)) if module else PRACTICAL_MINUTES,
                    path=_introduction_path(item),
                )
            )
    return found


def _introduction_path(item) -> str:
    if item.kind is ItemKind.MODULE:
        return f"/learn/{item.module_id}"
    if item.kind is ItemKind.WORKSHOP:
        return f"/workshops/series/{item.series_id}"
    return "/introduction"
