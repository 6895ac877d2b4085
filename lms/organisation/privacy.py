"""The person's profile and roles, for "Mine data". (Erasure of the person's own row is done by
``lms.privacy.services.erase`` after every package has had its turn.)"""

from __future__ import annotations

from flask_babel import gettext as _

from lms.organisation.models import Person
from lms.privacy.sections import Section, record_of
from lms.signals import personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    profile = record_of(
        person,
        "uuid",
        "name",
        "email",
        "phone",
        "job_title",
        "start_date",
        "locale",
        "active",
        "ends_on",
        "external_id",
        "created_at",
        "erased_at",
    )
    roles = [
        record_of(r, "role", "created_at", unit=r.unit.name)
        for r in sorted(person.roles, key=lambda r: r.id)
    ]
    return [
        Section("profile", _("Opplysninger om deg"), [profile], order=10),
        Section("roles", _("Roller"), roles, order=20),
    ]
