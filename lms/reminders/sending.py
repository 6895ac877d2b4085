"""Acting on what the planner returns: the scheduler's reminder job (``tick``), which claims and
sends.

``tick(now)`` plans, for everyone with something open, with the pure planner, and each reminder
whose time has come is

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
only in the app. ``services.interrupted()`` lists such rows (``lms scheduler status`` prints them).

Snoozed reminders whose time has come and the managers' weekly digest (``lms.reminders.digest``) go
out the same way. The tick commits after each claim and each send (like the xAPI delivery, which
commits per batch); ``run_job``'s final commit then has nothing left to do.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from lms.content.localised import pick
from lms.core.time import day_and_month, day_and_time
from lms.db import utcnow
from lms.extensions import db
from lms.mail import queue_mail
from lms.organisation.models import Person
from lms.reminders import channels, digest, planner
from lms.reminders.items import (
    OpenItem,
)
from lms.reminders.models import PushSubscription, Reminder
from lms.reminders.services import (
    open_items,
    people_to_plan,
    plan_for,
    preferences_of,
)
from lms.sms import sms_gateway

log = logging.getLogger(__name__)

PLANNED_KINDS = ("assignment", "introduction", "session", "practice")
"""Kinds of reminder about an open item: a snoozed one comes back only while the item is open."""


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


def claim_and_send(
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
            claim_and_send(
                person_plan.person, reminder.key, item.kind, reminder.stage.value, message, now, report
            )
    resend_snoozed(now, report)
    for manager, key, message in digest.due(now):
        claim_and_send(manager, key, "digest", "weekly", message, now, report, counts_to_cap=False)
    return report
