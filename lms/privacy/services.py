"""Everything about one person, gathered from the feature packages; and their erasure.

Both go through the signals in ``lms.signals`` (``personal_data_requested``, ``person_erasing``):
each feature package answers from its own ``privacy.py``, so this module knows no feature's tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from lms.accounts.sessions import sign_out_everywhere
from lms.audit.services import record
from lms.db import utcnow
from lms.extensions import db, in_the_session
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section
from lms.signals import person_erasing, personal_data_requested, values_from_signal


def sections(person: Person) -> list[Section]:
    """What every feature package holds about ``person``, in page order."""
    answers = personal_data_requested.send(
        current_app._get_current_object(), person=in_the_session(person)
    )
    found = [section for returned in values_from_signal(answers) for section in returned]
    return sorted(found, key=lambda s: (s.order, s.key))


def export(person: Person, now: datetime | None = None) -> dict[str, Any]:
    """The JSON export of "Mine data": one key per section."""
    return {
        "exported_at": (now or utcnow()).isoformat(),
        "person": person.uuid,
        "sections": {s.key: s.records for s in sections(person)},
    }


def neutral_label(person: Person) -> str:
    """What an erased person is called from then on: no trace of who they were."""
    return f"Slettet person {person.id}"


def erase(person: Person, actor: Person | None, now: datetime | None = None) -> None:
    """Erase ``person``'s personal data (``actor``: the admin, or None for the retention job).
    Every feature package erases its own part (through ``person_erasing``); then the person's row
    keeps only what the anonymous learning records need: its id, its never-reused xAPI identity,
    its role assignments. Flushes."""
    if person.erased_at is not None:
        return
    now = now or utcnow()
    erasure = Erasure.of(person, neutral_label(person), now)
    person_erasing.send(current_app._get_current_object(), erasure=erasure)
    person.name = erasure.label
    person.email = None
    person.phone = None
    person.password_hash = None
    person.external_id = None
    person.locale = None
    person.job_title = None
    person.active = False
    person.erased_at = now
    sign_out_everywhere(person)
    db.session.flush()
    record(actor, "person.erase", "person", person.id, at=now)


def erasure_consequences() -> list[str]:
    """What deleting a person does, for the confirmation page."""
    return [
        _("Navn erstattes med en nøytral betegnelse. E-post, telefon, passord og ekstern id slettes."),
        _("Personen logges ut overalt, og innloggingslenker slettes. Kontoen kan ikke brukes igjen."),
        _(
            "Refleksjoner og fritekstsvar, vakter, påminnelser, innstillinger og push-abonnementer "
            "slettes. Navnet fjernes fra samlingsnotater."
        ),
        _(
            "Fullføringer, kompetansebevis og roller beholdes uten navn, slik at enhetens tall "
            "ikke endres. xAPI-identiteten brukes aldri igjen."
        ),
        _("Sletting kan ikke angres."),
    ]
