"""Feeding the planner and acting on what it returns: claiming, sending, snoozing, digests.

``tick(now)`` is the scheduler's reminder job. For everyone with something open it plans with the
pure planner, and each reminder whose time has come is

1. **claimed**: inserted into ``reminders`` with insert-or-nothing on its unique ``key`` and
   committed. Only the process whose insert made the row goes on; any other (a second scheduler, a
   restart running the same minute again) finds the key taken and does nothing. The row is the in-app
   notification, so that channel is exactly-once by construction;
2. **sent** on the person's other channels (e-mail added to the mail outbox in this transaction,
   sent after its commit or retried by the drain, ``lms.mail``; web push, SMS), then marked
   ``sent_at`` with the channels used, and committed. "email" among the channels means the message
   is in the outbox: sent, on its way, or failed for good and logged as an error.

A crash between 1 and 2 leaves a claimed row without ``sent_at``. It is never sent again: we cannot
know whether the mail server or push service got it, and a reminder twice is worse than one shown
only in the app. ``interrupted()`` lists such rows (``lms scheduler status`` prints them).

The tick commits after each claim and each send (like the xAPI delivery, which commits per batch);
``run_job``'s final commit then has nothing left to do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from lms.assignments.models import Assignment
from lms.assignments.services import completed_on, open_assignments, start_dates
from lms.content.localised import pick
from lms.content.models import LearningModule
from lms.core.time import day_and_month, day_and_time, local_today
from lms.db import utcnow
from lms.extensions import db
from lms.mail import queue_mail
from lms.organisation.models import Person, Role, RoleAssignment, Unit
from lms.organisation.services import unit_ids_below
from lms.reminders import channels, planner
from lms.reminders.items import (
    OpenItem,
    follow_up_items_for,
    introduction_items_for,
    session_items_for,
)
from lms.reminders.models import PushSubscription, Reminder, ReminderPreference, UnitReminderPolicy
from lms.shifts.services import shifts_between
from lms.shifts.working_time import ShiftKind
from lms.sms import sms_gateway

log = logging.getLogger(__name__)

HORIZON = timedelta(days=21)
LOOK_BACK = timedelta(days=56)
INTERRUPTED_AFTER = timedelta(minutes=10)
DIGEST_HOUR = 7
"""The managers' weekly digest goes out on Monday from this local hour."""
REQUIRED_KINDS = ("assignment", "introduction", "practice")
"""Kinds of reminder that go in learning windows (inside paid time), also when snoozed."""
PLANNED_KINDS = ("assignment", "introduction", "session", "practice")
"""Kinds of reminder about an open item: a snoozed one comes back only while the item is open."""


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


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
            opens = _start_of_day(state.opens_on) if state.opens_on else a.created_at
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


def _start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in the installation's zone, in UTC."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone()).astimezone(UTC)


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
        zone=zone(),
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


# Claiming and sending ----------------------------------------------------------------------------


@dataclass
class TickReport:
    sent: list[str] = field(default_factory=list)
    taken: int = 0
    """Reminders whose key another process (or an earlier run) had already claimed."""


def _process_name() -> str:
    found = current_app.extensions.get("lms.leadership")
    return found.me if found is not None else ""


def claim(
    key: str,
    person_id: int,
    kind: str,
    stage: str,
    message: channels.Message,
    now: datetime,
    *,
    counts_to_cap: bool = True,
) -> int | None:
    """Insert the reminder unless its key exists; the new row's id, or None if it was taken."""
    values = dict(
        key=key,
        person_id=person_id,
        kind=kind,
        stage=stage,
        subject=message.subject[:300],
        body=message.body,
        url=message.url[:500],
        counts_to_cap=counts_to_cap,
        claimed_at=now,
        claimed_by=_process_name(),
        channels="in_app",
        snooze_count=0,
    )
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Reminder.__table__)
    statement = insert.values(**values).on_conflict_do_nothing(index_elements=["key"])
    return db.session.execute(statement.returning(Reminder.__table__.c.id)).scalar()


def deliver(reminder: Reminder, person: Person, now: datetime) -> list[str]:
    """Send ``reminder`` on the person's chosen channels; returns the channels used. Failures of one
    channel are logged and do not stop the others."""
    prefs = preferences_of(person.id)
    message = channels.Message(reminder.subject, reminder.body, reminder.url)
    used = ["in_app"]
    if prefs.email and person.email:
        queue_mail(person.email, message.subject, f"{message.body}\n\n{message.url}\n")
        used.append("email")
    if prefs.push:
        subscriptions = db.session.scalars(
            sa.select(PushSubscription).where(PushSubscription.person_id == person.id)
        ).all()
        for subscription in subscriptions:
            info = {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            }
            try:
                channels.send_push(info, message)
                if "push" not in used:
                    used.append("push")
            except channels.PushGone:
                db.session.delete(subscription)
            except Exception:
                log.exception("web push to person %s failed", person.id)
    if prefs.sms and person.phone:
        try:
            sms_gateway().send(person.phone, channels.sms_text(message))
            used.append("sms")
        except Exception:
            log.exception("SMS to person %s failed", person.id)
    reminder.sent_at = now
    reminder.channels = ",".join(used)
    return used


def _claim_and_send(
    person: Person,
    key: str,
    kind: str,
    stage: str,
    message: channels.Message,
    now: datetime,
    report: TickReport,
    *,
    counts_to_cap: bool = True,
) -> None:
    try:
        reminder_id = claim(key, person.id, kind, stage, message, now, counts_to_cap=counts_to_cap)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        reminder_id = None
    if reminder_id is None:
        report.taken += 1
        return
    reminder = db.session.get(Reminder, reminder_id)
    deliver(reminder, person, now)
    db.session.commit()
    report.sent.append(key)


def message_for(person: Person, item: OpenItem, stage: planner.Stage) -> channels.Message:
    base = current_app.config["BASE_URL"]
    locale = person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    if item.kind == "session":
        return session_message(item, locale, base)
    if item.kind == "practice":
        return follow_up_message(item, locale, base)
    with force_locale(locale):
        title = pick(item.titles, locale)
        due = item.item.due
        when = day_and_month(due) if due else ""
        subjects = {
            planner.Stage.OPENS: _("Ny oppgave: %(title)s", title=title),
            planner.Stage.WEEK: _("%(title)s: frist %(date)s", title=title, date=when),
            planner.Stage.DAY: _("%(title)s: frist i morgen", title=title),
            planner.Stage.OVERDUE: _("%(title)s: fristen har gått ut", title=title),
        }
        body = _(
            "Det tar omtrent %(minutes)s minutter. Passer det ikke nå, kan du utsette påminnelsen "
            "til neste passende tidspunkt i Lærevakt.",
            minutes=item.minutes,
        )
        return channels.Message(str(subjects[stage]), str(body), base + item.path)


def session_message(item: OpenItem, locale: str, base: str) -> channels.Message:
    """A workshop session's reminder: its title, time and place and the series' page."""
    with force_locale(locale):
        title = pick(item.titles, locale)
        when = day_and_time(item.starts_at, "weekday")
        subject = _("Samling %(when)s: %(title)s", when=when, title=title)
        lines = [_("«%(title)s» møtes %(when)s.", title=title, when=when)]
        if item.place:
            lines.append(_("Sted: %(place)s", place=item.place))
        lines.append(_("Kan du ikke komme, kan du melde deg av på siden til serien."))
        return channels.Message(str(subject), "\n".join(str(line) for line in lines), base + item.path)


def follow_up_message(item: OpenItem, locale: str, base: str) -> channels.Message:
    """A practice task's "Hvordan gikk det?": the task's title and the page to answer on."""
    with force_locale(locale):
        subject = _("Hvordan gikk det? «%(title)s»", title=pick(item.titles, locale))
        body = _(
            "Du ville prøve dette på vakt. Svar med ett trykk – svaret ditt er privat, andre ser "
            "bare tall uten navn."
        )
        return channels.Message(str(subject), str(body), base + item.path)


def tick(now: datetime | None = None, people: Sequence[Person] | None = None) -> TickReport:
    """The reminder job: send what is due at ``now``, snoozed reminders whose time has come, and the
    managers' digest on Monday mornings. Commits per reminder."""
    now = now or utcnow()
    report = TickReport()
    for person_plan in plan_for(people if people is not None else people_to_plan(), now):
        for reminder in person_plan.reminders:
            if reminder.send_at > now:
                break
            item = person_plan.item(reminder.item)
            message = message_for(person_plan.person, item, reminder.stage)
            _claim_and_send(
                person_plan.person, reminder.key, item.kind, reminder.stage.value, message, now, report
            )
    resend_snoozed(now, report)
    send_digests(now, report)
    return report


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


def resend_snoozed(now: datetime, report: TickReport) -> None:
    """Send again each snoozed reminder whose time has come. The update from the stored
    ``snoozed_until`` to nothing is the claim: only one process's update finds it."""
    due = db.session.execute(
        sa.select(Reminder.id, Reminder.snoozed_until).where(
            Reminder.snoozed_until.is_not(None), Reminder.snoozed_until <= now
        )
    ).all()
    for reminder_id, until in due:
        claimed = db.session.execute(
            sa.update(Reminder)
            .where(Reminder.id == reminder_id, Reminder.snoozed_until == until)
            .values(snoozed_until=None, snooze_count=Reminder.snooze_count + 1, read_at=None)
        ).rowcount
        db.session.commit()
        if not claimed:
            report.taken += 1
            continue
        reminder = db.session.get(Reminder, reminder_id)
        person = db.session.get(Person, reminder.person_id)
        if reminder.kind in PLANNED_KINDS and not _still_open(person, reminder.key, now):
            continue  # done, left or passed while snoozed: nothing to remind of
        deliver(reminder, person, now)
        db.session.commit()
        report.sent.append(f"{reminder.key}:snooze{reminder.snooze_count}")


def _still_open(person: Person, key: str, now: datetime) -> bool:
    refs = {item.item.ref for item in open_items(person, now)}
    return key.rsplit(":", 1)[0] in refs


# The managers' weekly digest ---------------------------------------------------------------------


@dataclass(frozen=True)
class DigestLine:
    person_name: str
    title: str
    due_on: date


def digest_lines(manager: Person, today: date) -> list[DigestLine]:
    """Assigned modules overdue or due within a week, and required competence expired or running
    out within 30 days, for people in the manager's units."""
    roots = db.session.scalars(
        sa.select(RoleAssignment.unit_id).where(
            RoleAssignment.person_id == manager.id, RoleAssignment.role == Role.MANAGER
        )
    )
    units = unit_ids_below(roots)
    if not units:
        return []
    people = db.session.scalars(
        sa.select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(
            RoleAssignment.unit_id.in_(units),
            RoleAssignment.role == Role.STAFF,
            Person.active.is_(True),
        )
        .distinct()
        .order_by(Person.name)
    ).all()
    lines = []
    locale = manager.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    items_of = open_items_for(people)
    for person in people:
        for item in items_of.get(person.id, []):
            due = item.item.due
            if due is not None and due <= today + timedelta(days=7):
                lines.append(DigestLine(person.name, pick(item.titles, locale), due))
    lines += _expiring_competence(people, today, locale)
    return sorted(lines, key=lambda line: (line.due_on, line.person_name))


def _expiring_competence(people: Sequence[Person], today: date, locale: str) -> list[DigestLine]:
    """Required competence that has expired or runs out within 30 days, from the stored status the
    competence feature keeps (read only)."""
    from lms.competence.models import Competence, RequirementStatus, State

    names = {p.id: p.name for p in people}
    if not names:
        return []
    soon = datetime.combine(today + timedelta(days=30), datetime.min.time(), tzinfo=UTC)
    rows = db.session.execute(
        sa.select(RequirementStatus.person_id, RequirementStatus.valid_until, Competence.titles)
        .join(Competence, Competence.id == RequirementStatus.competence_id)
        .where(
            RequirementStatus.person_id.in_(list(names)),
            RequirementStatus.state.in_([int(State.RENEWAL_DUE), int(State.EXPIRED)]),
            RequirementStatus.valid_until.is_not(None),
            RequirementStatus.valid_until < soon,
        )
    )
    return [
        DigestLine(names[person_id], pick(titles, locale), valid_until.astimezone(zone()).date())
        for person_id, valid_until, titles in rows
    ]


def send_digests(now: datetime, report: TickReport) -> None:
    """On Monday from 07:00 local time, once per manager per week (key ``digest:<id>:<week>``)."""
    local = now.astimezone(zone())
    if local.weekday() != 0 or local.hour < DIGEST_HOUR:
        return
    today = local.date()
    managers = db.session.scalars(
        sa.select(Person)
        .where(
            Person.active.is_(True),
            sa.exists().where(
                RoleAssignment.person_id == Person.id, RoleAssignment.role == Role.MANAGER
            ),
        )
        .order_by(Person.id)
    ).all()
    week = today.isocalendar()
    for manager in managers:
        key = f"digest:{manager.id}:{week.year}-W{week.week:02d}"
        if db.session.scalar(sa.select(Reminder.id).where(Reminder.key == key)) is not None:
            continue
        lines = digest_lines(manager, today)
        if not lines:
            continue
        message = digest_message(manager, lines, today)
        _claim_and_send(manager, key, "digest", "weekly", message, now, report, counts_to_cap=False)


def digest_message(manager: Person, lines: Sequence[DigestLine], today: date) -> channels.Message:
    locale = manager.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        overdue = [line for line in lines if line.due_on < today]
        subject = _(
            "Ukeoversikt: %(overdue)s forfalt, %(soon)s med frist denne uken",
            overdue=len(overdue),
            soon=len(lines) - len(overdue),
        )
        rows = [f"- {line.person_name}: {line.title} ({day_and_month(line.due_on)})" for line in lines]
        body = "\n".join(rows)
    return channels.Message(str(subject), body, current_app.config["BASE_URL"] + "/")


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
