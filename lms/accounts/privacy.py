"""Sign-in links and codes (when made, used, expiring; never the secret) and sign-in sessions (when
and how they began) for "Mine data"; the links and codes are erased with the person (the sessions end by
``lms.privacy.services.erase``)."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.accounts.models import SignInCode, SignInLink, SignInSession
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, delete_owned, owned, record_of
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    records = [
        record_of(link, "created_at", "expires_at", "used_at") for link in owned(SignInLink, person)
    ]
    sessions = [record_of(row, "created_at", "method") for row in owned(SignInSession, person)]
    sign_in_codes = [
        record_of(code, "kind", "created_at", "expires_at", "used_at", "wrong_tries")
        for code in owned(SignInCode, person)
    ]
    return [
        Section("sign_in_links", _("Innloggingslenker sendt på e-post"), records, order=90),
        Section("sign_in_codes", _("Engangskoder for innlogging"), sign_in_codes, order=92),
        Section("sign_in_sessions", _("Innlogginger"), sessions, order=91),
    ]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    delete_owned(erasure.person, SignInLink, SignInCode)
