"""Shifts and personal shift feeds, for "Mine data"; deleted with the person (a shift only places
reminders, it counts toward nothing)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, record_of
from lms.shifts.models import Shift, ShiftFeed
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    shifts = db.session.scalars(
        sa.select(Shift).where(Shift.person_id == person.id).order_by(Shift.starts_at)
    )
    feeds = db.session.scalars(sa.select(ShiftFeed).where(ShiftFeed.person_id == person.id))
    return [
        Section(
            "shifts",
            _("Vakter"),
            [record_of(s, "starts_at", "ends_at", "kind", "code", "source") for s in shifts],
            order=60,
        ),
        Section(
            "shift_feeds",
            _("Dine kalenderstrømmer med vakter"),
            [record_of(f, "created_at", "last_synced_at") for f in feeds],
            order=61,
        ),
    ]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    person_id = erasure.person.id
    db.session.execute(sa.delete(Shift).where(Shift.person_id == person_id))
    db.session.execute(sa.delete(ShiftFeed).where(ShiftFeed.person_id == person_id))
