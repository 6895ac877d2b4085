"""Mail to the person in the outbox (waiting, sent or failed), for "Mine data"; on erasure the
mail to them is deleted (a message waiting for them is then never sent) and their name, address
and phone number are scrubbed from mail to others."""

from __future__ import annotations

import email
import email.policy

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.mail.outbox import OutgoingMail
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, plain
from lms.signals import person_erasing, personal_data_requested


def _to(person: Person):
    return sa.func.lower(OutgoingMail.recipient) == (person.email or "").lower()


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    if not person.email:
        return []
    rows = db.session.scalars(sa.select(OutgoingMail).where(_to(person)).order_by(OutgoingMail.id))
    records = [
        plain(
            {
                "subject": email.message_from_string(row.message, policy=email.policy.default)[
                    "Subject"
                ],
                "status": row.status,
                "created_at": row.created_at,
                "sent_at": row.sent_at,
            }
        )
        for row in rows
    ]
    return [Section("outgoing_mail", _("E-post"), records, order=73)]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    if erasure.person.email:
        db.session.execute(sa.delete(OutgoingMail).where(_to(erasure.person)))
    if not erasure.needles:
        return
    message = sa.func.lower(OutgoingMail.message)
    mentioning = sa.or_(*(message.contains(needle.lower()) for needle in erasure.needles))
    for row in db.session.scalars(sa.select(OutgoingMail).where(mentioning)):
        row.message = erasure.scrub(row.message)
        row.recipient = erasure.scrub(row.recipient)
