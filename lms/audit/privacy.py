"""Audit entries the person made or that were about them, for "Mine data". Entries hold ids, not
names, so they stay unchanged on erasure."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.audit.actions import label
from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Section, record_of
from lms.signals import personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    found = db.session.scalars(
        sa.select(AuditEntry)
        .where(
            sa.or_(
                AuditEntry.actor_id == person.id,
                sa.and_(AuditEntry.subject_type == "person", AuditEntry.subject_id == str(person.id)),
            )
        )
        .order_by(AuditEntry.id)
    )
    records = [
        record_of(
            e,
            "created_at",
            "action",
            "subject_type",
            "subject_id",
            "details",
            what=label(e.action),
            by_you=e.actor_id == person.id,
        )
        for e in found
    ]
    return [
        Section("audit", _("Logg over endringer du har gjort eller som gjelder deg"), records, order=120)
    ]
