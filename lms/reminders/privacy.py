"""Reminders sent, the person's reminder settings and push subscriptions, for "Mine data"; all
deleted with the person."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, record_of
from lms.reminders.models import PushSubscription, Reminder, ReminderPreference
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    reminders = db.session.scalars(
        sa.select(Reminder).where(Reminder.person_id == person.id).order_by(Reminder.claimed_at)
    )
    preference = db.session.get(ReminderPreference, person.id)
    subscriptions = db.session.scalars(
        sa.select(PushSubscription).where(PushSubscription.person_id == person.id)
    )
    settings = (
        [record_of(preference, "email", "push", "sms", "quiet_start", "quiet_end", "night_ok")]
        if preference
        else []
    )
    return [
        Section(
            "reminders",
            _("Påminnelser"),
            [
                record_of(
                    r, "kind", "stage", "subject", "url", "claimed_at", "sent_at", "channels", "read_at"
                )
                for r in reminders
            ],
            order=70,
        ),
        Section("reminder_settings", _("Innstillinger for påminnelser"), settings, order=71),
        Section(
            "push_subscriptions",
            _("Varsler på enheter (push)"),
            [record_of(s, "endpoint", "created_at") for s in subscriptions],
            order=72,
        ),
    ]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    person_id = erasure.person.id
    for model in (Reminder, ReminderPreference, PushSubscription):
        db.session.execute(sa.delete(model).where(model.person_id == person_id))
