"""Reminders sent, the person's reminder settings and push subscriptions, for "Mine data"; all
deleted with the person."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, delete_owned, owned, record_of
from lms.reminders.models import PushSubscription, Reminder, ReminderPreference
from lms.signals import person_erasing, personal_data_requested

REMINDER_FIELDS = ("kind", "stage", "subject", "url", "claimed_at", "sent_at", "channels", "read_at")
SETTINGS_FIELDS = ("email", "push", "sms", "quiet_start", "quiet_end", "night_ok")


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    reminders = [record_of(r, *REMINDER_FIELDS) for r in owned(Reminder, person, Reminder.claimed_at)]
    preference = db.session.get(ReminderPreference, person.id)
    settings = [record_of(preference, *SETTINGS_FIELDS)] if preference else []
    pushes = [record_of(s, "endpoint", "created_at") for s in owned(PushSubscription, person)]
    return [
        Section("reminders", _("Påminnelser"), reminders, order=70),
        Section("reminder_settings", _("Innstillinger for påminnelser"), settings, order=71),
        Section("push_subscriptions", _("Varsler på enheter (push)"), pushes, order=72),
    ]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    delete_owned(erasure.person, Reminder, ReminderPreference, PushSubscription)
