"""Sign-in links (when made, used, expiring; never the secret) for "Mine data"; erased with the
person."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.accounts.models import SignInLink
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, delete_owned, owned, record_of
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    records = [
        record_of(link, "created_at", "expires_at", "used_at") for link in owned(SignInLink, person)
    ]
    return [Section("sign_in_links", _("Innloggingslenker sendt på e-post"), records, order=90)]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    delete_owned(erasure.person, SignInLink)
