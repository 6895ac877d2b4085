"""Modules assigned to the person by name, for "Mine data" (kept on erasure: they feed the unit's
completion figures)."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.assignments.models import Assignment
from lms.organisation.models import Person
from lms.privacy.sections import Section, owned, record_of
from lms.signals import personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    records = [record_of(a, "module_id", "due_on", "created_at") for a in owned(Assignment, person)]
    return [Section("assignments", _("Moduler tildelt deg personlig"), records, order=35)]
