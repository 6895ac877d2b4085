"""What the reminder planner is fed, a person's own reminders (reading them, snoozing one) and the
units' reminder policies. Functions flush; the caller commits.

The planner itself is pure (``lms.reminders.planner``); acting on what it returns, the scheduler's
job that claims and sends, is ``lms.reminders.sending``, and the managers' weekly digest is
``lms.reminders.digest``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from lms.assignments.models import Assignment
from lms.assignments.services import completed_on, open_assignments, start_dates
from lms.content.models import LearningModule
from lms.core.time import local_today, local_zone, start_of_local_day
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit
from lms.reminders import planner
from lms.reminders.items import (
    OpenItem,
    follow_up_items_for,
    introduction_items_for,
    session_items_for,
)
from lms.reminders.models import Reminder, ReminderPreference, UnitReminderPolicy
from lms.shifts.services import shifts_between
from lms.shifts.working_time import ShiftKind

log = logging.getLogger(__name__)

HORIZON = timedelta(days=21)
LOOK_BACK = timedelta(days=56)
INTERRUPTED_AFTER = timedelta(minutes=10)
REQUIRED_KINDS = ("assignment", "introduction", "practice")
"""Kinds of reminder that go in learning windows (inside paid time), also when snoozed."""


# What the planner is fed -------------------------------------------------------------------------


def open_items(person: Person, now: datetime | None = None) -> list[OpenItem]:
    """The person's assigned modules not yet completed (the earliest due date per module), the
    coming workshop sessions they have a place in, their unanswered practice follow-ups and the open
    items of their introduction programmes."""
    return open_items_for([person], now).get(person.id, [])


def open_items_for(people: Sequence[Person], now: datetime | None = None) -> dict[int, list[OpenItem]]:
    """``open_items`` for many people in a fixed number of queries (the reminder job runs it for
    everyone every few minutes): assignments reach a person directly, or through a unit at or
    above one where they hold a role (and that role, when the assignment names one), and a
    recurring one is open again when the person's new cycle opens (``lms.assignments.cycle``);
    sessions and introduction items come from ``lms.reminders.items`` (an introduction module
    that is also assigned is reminded of once)."""
    ids = [p.id for p in people]
    if not ids:
        return {}
    now = now or utcnow()
    found = assignment_items_for(people, ids, local_today(now))
    for more in (session_items_for(ids, now), follow_up_items_for(ids, now)):
        for person_id, items in more.items():
            found.setdefault(person_id, []).extend(items)
    for person_id, items in introduction_items_for(ids, local_today(now)).items():
        assigned = {item.path for item in found.get(person_id, [])}
        found.setdefault(person_id, []).extend(i for i in items if i.path not in assigned)
    return found


def assignment_items_for(
    people: Sequence[Person], ids: list[int], today: date
) -> dict[int, list[OpenItem]]:
    """Each person's assigned modules open on ``today`` (not completed, or in a new cycle), the
    earliest due date per module."""
    parents = dict(db.session.execute(sa.select(Unit.id, Unit.parent_id)).all())
    held: dict[int, list[tuple[int, Role]]] = {}
    for person_id, unit_id, role in db.session.execute(
        sa.select(RoleAssignment.person_id, RoleAssignment.unit_id, RoleAssignment.role).where(
            RoleAssignment.person_id.in_(ids)
        )
    ):
        held.setdefault(person_id, []).append((unit_id, role))
    assignments = db.session.scalars(
        sa.select(Assignment).options(
            selectinload(Assignment.module).selectinload(LearningModule.current_version)
        )
    ).all()
    done = completed_on(ids)
    starts = start_dates(ids)
    found: dict[int, list[OpenItem]] = {}
    for person in people:
        reach: set[tuple[int, Role]] = set()
        for unit_id, role in held.get(person.id, []):
            at: int | None = unit_id
            while at is not None:
                reach.add((at, role))
                at = parents.get(at)
        units = {unit for unit, _ in reach}
        reaching = [a for a in assignments if _reaches(a, person.id, units, reach)]
        items = []
        for module_id, (a, state) in open_assignments(person.id, reaching, done, starts, today).items():
            manifest = a.module.current_version.manifest
            ref = f"a:{person.id}:{module_id}:{state.due_on.isoformat()}"
            opens = start_of_local_day(state.opens_on) if state.opens_on else a.created_at
            items.append(
                OpenItem(
                    item=planner.Item(ref=ref, opens=opens, due=state.due_on),
                    kind="assignment",
                    titles=manifest["title"],
                    minutes=int(manifest.get("minutes", 5)),
                    path=f"/learn/{module_id}",
                )
            )
        if items:
            found[person.id] = items
    return found


def _reaches(a: Assignment, person_id: int, units: set[int], reach: set[tuple[int, Role]]) -> bool:
    if a.person_id is not None:
        return a.person_id == person_id
    return a.unit_id in units and (a.role is None or (a.unit_id, a.role) in reach)


def preferences_of(person_id: int) -> ReminderPreference:
    return db.session.get(ReminderPreference, person_id) or default_preferences(person_id)


def default_preferences(person_id: int) -> ReminderPreference:
    """What a person who never chose gets: e-mail and the in-app list, quiet 22:00-08:00."""
    defaults = planner.Preferences()
    return ReminderPreference(
        person_id=person_id,
        email=True,
        push=False,
        sms=False,
        night_ok=False,
        quiet_start=defaults.quiet_start,
        quiet_end=defaults.quiet_end,
    )


def planner_preferences(stored: ReminderPreference) -> planner.Preferences:
    return planner.Preferences(
        zone=local_zone(),
        quiet_start=stored.quiet_start,
        quiet_end=stored.quiet_end,
        night_ok=bool(stored.night_ok),
    )


def policy_for(person_id: int) -> planner.Policy:
    """The policy of the first of the person's units that has one (else the defaults, with the
    installation's weekly cap)."""
    cap = int(current_app.config.get("REMINDER_WEEKLY_CAP", 2))
    row = db.session.scalar(
        sa.select(UnitReminderPolicy)
        .join(RoleAssignment, RoleAssignment.unit_id == UnitReminderPolicy.unit_id)
        .where(RoleAssignment.person_id == person_id)
        .order_by(RoleAssignment.id)
        .limit(1)
    )
    if row is None:
        return planner.Policy(weekly_cap=cap)
    return policy_from_row(row)


def policies_for(person_ids: Sequence[int]) -> dict[int, planner.Policy]:
    """``policy_for`` for many people in two queries."""
    cap = int(current_app.config.get("REMINDER_WEEKLY_CAP", 2))
    rows = {row.unit_id: row for row in db.session.scalars(sa.select(UnitReminderPolicy))}
    found: dict[int, planner.Policy] = {}
    for person_id, unit_id in db.session.execute(
        sa.select(RoleAssignment.person_id, RoleAssignment.unit_id)
        .where(RoleAssignment.person_id.in_(list(person_ids)))
        .order_by(RoleAssignment.id)
    ):
        if person_id not in found and unit_id in rows:
            found[person_id] = policy_from_row(rows[unit_id])
    return {pid: found.get(pid) or planner.Policy(weekly_cap=cap) for pid in person_ids}


def policy_from_row(row: UnitReminderPolicy) -> planner.Policy:
    windows = dict(planner.DEFAULT_WINDOWS)
    for kind, (offset, length) in (row.windows or {}).items():
        windows[ShiftKind(kind)] = planner.Window(timedelta(minutes=offset), timedelta(minutes=length))
    return planner.Policy(windows=windows, weekly_cap=row.weekly_cap)


def set_policy(unit_id: int, windows: dict[str, tuple[int, int]], weekly_cap: int) -> UnitReminderPolicy:
    row = db.session.get(UnitReminderPolicy, unit_id) or UnitReminderPolicy(unit_id=unit_id)
    row.windows = {kind: [int(o), int(length)] for kind, (o, length) in windows.items()}
    row.weekly_cap = weekly_cap
    db.session.add(row)
    db.session.flush()
    return row


def sent_of(person_ids: Iterable[int], since: datetime) -> dict[int, list[planner.Sent]]:
    found: dict[int, list[planner.Sent]] = {}
    rows = db.session.execute(
        sa.select(Reminder.person_id, Reminder.key, Reminder.claimed_at, Reminder.counts_to_cap).where(
            Reminder.person_id.in_(list(person_ids)), Reminder.claimed_at >= since
        )
    )
    for person_id, key, at, counts in rows:
        found.setdefault(person_id, []).append(planner.Sent(key, at, counts))
    return found


@dataclass
class PersonPlan:
    person: Person
    items: list[OpenItem]
    reminders: list[planner.Reminder]

    def item(self, ref: str) -> OpenItem:
        return next(i for i in self.items if i.item.ref == ref)


def plan_for(people: Sequence[Person], now: datetime, horizon: timedelta = HORIZON) -> list[PersonPlan]:
    """Each person's planned reminders from ``now``."""
    items_of = open_items_for(people, now)
    with_items = [(p, items_of[p.id]) for p in people if p.id in items_of]
    ids = [p.id for p, _ in with_items]
    shifts = shifts_between(ids, now - timedelta(days=3), now + horizon)
    sent = sent_of(ids, now - LOOK_BACK)
    stored = {
        row.person_id: row
        for row in db.session.scalars(
            sa.select(ReminderPreference).where(ReminderPreference.person_id.in_(ids))
        )
    }
    policies = policies_for(ids)
    plans = []
    for person, items in with_items:
        reminders = planner.plan(
            now,
            shifts.get(person.id, []),
            planner_preferences(stored.get(person.id) or default_preferences(person.id)),
            policies[person.id],
            [i.item for i in items],
            sent.get(person.id, []),
            horizon=horizon,
        )
        plans.append(PersonPlan(person, items, reminders))
    return plans


def people_to_plan() -> list[Person]:
    return list(
        db.session.scalars(
            sa.select(Person)
            .where(Person.active.is_(True), sa.exists().where(RoleAssignment.person_id == Person.id))
            .order_by(Person.id)
        )
    )


# Snoozing ----------------------------------------------------------------------------------------


def snooze(reminder: Reminder, now: datetime | None = None) -> datetime | None:
    """Put the reminder off to the person's next suitable time (after at least an hour); returns
    that time, or None when there is none in the next four weeks."""
    now = now or utcnow()
    shifts = shifts_between([reminder.person_id], now - timedelta(days=3), now + timedelta(days=28))
    at = planner.next_suitable_time(
        now + timedelta(hours=1),
        shifts.get(reminder.person_id, []),
        planner_preferences(preferences_of(reminder.person_id)),
        policy_for(reminder.person_id),
        required=reminder.kind in REQUIRED_KINDS,
    )
    reminder.snoozed_until = at
    reminder.read_at = now
    db.session.flush()
    return at


# Reading -----------------------------------------------------------------------------------------


def inbox(person: Person, limit: int = 50) -> list[Reminder]:
    """The person's in-app reminders, newest first (snoozed ones hidden until they come back)."""
    return list(
        db.session.scalars(
            sa.select(Reminder)
            .where(Reminder.person_id == person.id, Reminder.snoozed_until.is_(None))
            .order_by(Reminder.claimed_at.desc(), Reminder.id.desc())
            .limit(limit)
        )
    )


def upcoming(person: Person, now: datetime | None = None) -> list[tuple[planner.Reminder, OpenItem]]:
    """What the planner would send the person next (for their page)."""
    now = now or utcnow()
    plans = plan_for([person], now)
    if not plans:
        return []
    return [(r, plans[0].item(r.item)) for r in plans[0].reminders]


def interrupted(now: datetime | None = None) -> list[Reminder]:
    """Claimed but never marked sent, for longer than ``INTERRUPTED_AFTER``."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(Reminder).where(
                Reminder.sent_at.is_(None), Reminder.claimed_at < now - INTERRUPTED_AFTER
            )
        )
    )


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
