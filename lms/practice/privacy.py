"""The person's follow-up answers (choice and private note) for "Mine data"; deleted with the
person. Kept as long as the person is, like their reflections."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.organisation.models import Person
from lms.practice.models import PracticeFollowUp
from lms.privacy.sections import Erasure, Section, delete_owned, owned, record_of
from lms.signals import person_erasing, personal_data_requested

FIELDS = ("module_id", "card_id", "committed_at", "answered_at", "choice", "note")


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    rows = owned(PracticeFollowUp, person, PracticeFollowUp.committed_at)
    records = [record_of(row, *FIELDS) for row in rows]
    title = _("Oppgaver du ville prøve på vakt, og hvordan det gikk")
    return [Section("practice_follow_ups", title, records, order=31)]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    delete_owned(erasure.person, PracticeFollowUp)
