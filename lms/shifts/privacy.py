"""Shifts and personal shift feeds, for "Mine data"; deleted with the person (a shift only places
reminders, it counts toward nothing)."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, delete_owned, owned, record_of
from lms.shifts.models import Shift, ShiftFeed
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    shifts = [
        record_of(s, "starts_at", "ends_at", "kind", "code", "source")
        for s in owned(Shift, person, Shift.starts_at)
    ]
    feeds = [record_of(f, "created_at", "last_synced_at") for f in owned(ShiftFeed, person)]
    return [
        Section("shifts", _("Vakter"), shifts, order=60),
        Section("shift_feeds", _("Dine kalenderstrømmer med vakter"), feeds, order=61),
    ]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    delete_owned(erasure.person, Shift, ShiftFeed)
