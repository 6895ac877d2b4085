"""Single sign-on identities (provider and stable claim, never a token) for "Mine data"; erased
with the person, so an erased person can never be found again by their provider's claim."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, delete_owned, owned, record_of
from lms.signals import person_erasing, personal_data_requested
from lms.sso.models import SsoIdentity


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    records = [
        record_of(identity, "issuer", "subject", "created_at", "last_signed_in_at")
        for identity in owned(SsoIdentity, person)
    ]
    return [Section("sso_identities", _("Innlogging via identitetsleverandør"), records, order=85)]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    delete_owned(erasure.person, SsoIdentity)
