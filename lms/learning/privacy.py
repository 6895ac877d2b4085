"""Attempts and every answer (private reflections included) for "Mine data". On erasure the
free text a person typed is blanked; attempts, scores and completions stay for the aggregates."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from lms.content import library
from lms.content.models import ModuleVersion
from lms.extensions import db
from lms.learning.models import Attempt
from lms.organisation.models import Person
from lms.plugins import card_types
from lms.privacy.sections import Erasure, Section, record_of
from lms.signals import person_erasing, personal_data_requested

FREE_TEXT = frozenset({"fill-in", "long-fill-in"})
"""Interaction types whose response is text the person typed."""


def _attempts(person: Person) -> list[Attempt]:
    return list(
        db.session.scalars(
            sa.select(Attempt)
            .where(Attempt.person_id == person.id)
            .options(selectinload(Attempt.answers), selectinload(Attempt.version))
            .order_by(Attempt.id)
        )
    )


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    records = [
        record_of(
            a,
            "uuid",
            "module_id",
            "started_at",
            "updated_at",
            "completed_at",
            "score",
            "passed",
            "outcome",
            "rated",
            version=a.version.version,
            answers=[record_of(x, "card_id", "response", "score", "answered_at") for x in a.answers],
        )
        for a in _attempts(person)
    ]
    return [Section("attempts", _("Moduler du har tatt, med svar og refleksjoner"), records, order=30)]


def _is_free_text(version: ModuleVersion, card_id: str) -> bool:
    card = library.load(version.module_id, version.content_hash).card(card_id)
    card_type = card_types().get(card.type) if card else None
    return card_type is not None and card_type.interaction_type in FREE_TEXT


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    for attempt in _attempts(erasure.person):
        for answer in attempt.answers:
            if isinstance(answer.response, str) and _is_free_text(attempt.version, answer.card_id):
                answer.response = ""
            else:
                answer.response = erasure.scrub_json(answer.response)
