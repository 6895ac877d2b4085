"""Practice follow-ups: made from a commitment, fed to the reminder planner while open, answered once
by their owner, and counted anonymously for those who lead the people who answered.

Functions flush; the caller commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lms import signals
from lms.access import LEADING_ROLES, acted_on_unit_ids, holds_any, is_top_admin
from lms.content import library
from lms.content.cards.base import Card
from lms.content.localised import Localised
from lms.content.models import ModuleVersion
from lms.content.package import Module
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Answer, Attempt
from lms.organisation.models import Person, RoleAssignment
from lms.practice.models import PracticeFollowUp
from lms.tracking.profile import plain_text

PRACTICE = "practice"
"""The card type whose "Ja, jeg prøver" makes a follow-up."""
CHOICES = {
    "managed": _l("Jeg fikk det til"),
    "hard": _l("Jeg prøvde, men det var vanskelig"),
    "not_tried": _l("Jeg fikk ikke prøvd"),
}
"""The answers to "Hvordan gikk det?", by the id the statement carries."""
NOTE_MAX_CHARACTERS = 1000
SHOWN_FROM = 3
"""Counts are shown only when at least this many people have answered (in the viewer's reach)."""
TITLE_CHARACTERS = 80


class FollowUpError(ValueError):
    """The answer cannot be taken; the message says why, for the form."""


# Made from a commitment ---------------------------------------------------------------------------


def follow_up_for(answer: Answer, card: Card) -> PracticeFollowUp | None:
    """A follow-up for a practice card answered "Ja, jeg prøver" (``card_answered``'s receiver);
    None for any other answer. The first answer to a card counts, so one per commitment."""
    if card.type != PRACTICE or answer.response is not True:
        return None
    follow_up = PracticeFollowUp(
        person_id=answer.attempt.person_id,
        commitment=answer,
        module_id=answer.attempt.module_id,
        card_id=card.id,
        committed_at=answer.answered_at,
    )
    db.session.add(follow_up)
    db.session.flush()
    return follow_up


# Fed to the reminder planner ----------------------------------------------------------------------


@dataclass(frozen=True)
class OpenFollowUp:
    id: int
    person_id: int
    committed_at: datetime
    titles: Localised
    """The practice task's title, to name it in the reminder."""


def open_follow_ups(person_ids: Sequence[int], since: datetime) -> list[OpenFollowUp]:
    """The unanswered follow-ups of ``person_ids`` committed at or after ``since``, in one query."""
    if not person_ids:
        return []
    rows = db.session.execute(
        sa.select(PracticeFollowUp, ModuleVersion.module_id, ModuleVersion.content_hash)
        .join(Answer, Answer.id == PracticeFollowUp.answer_id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(ModuleVersion, ModuleVersion.id == Attempt.version_id)
        .where(
            PracticeFollowUp.person_id.in_(list(person_ids)),
            PracticeFollowUp.answered_at.is_(None),
            PracticeFollowUp.committed_at >= since,
        )
        .order_by(PracticeFollowUp.committed_at, PracticeFollowUp.id)
    )
    found = []
    for follow_up, module_id, content_hash in rows:
        module = library.load(module_id, content_hash)
        found.append(
            OpenFollowUp(
                follow_up.id,
                follow_up.person_id,
                follow_up.committed_at,
                task_title(module, module.card(follow_up.card_id)),
            )
        )
    return found


def task_title(module: Module, card: Card | None) -> Localised:
    """The practice card's title, else the start of its task, else the module's title."""
    if card is None:
        return module.title
    if card.data.get("title"):
        return card.data["title"]
    task = {lang: plain_text(str(text), TITLE_CHARACTERS) for lang, text in card.data["task"].items()}
    return {lang: text for lang, text in task.items() if text} or module.title


# Answered by its owner ----------------------------------------------------------------------------


def module_and_card(follow_up: PracticeFollowUp) -> tuple[Module, Card | None]:
    """The module version the commitment was made in, and the practice card in it."""
    module = library.load(
        follow_up.commitment.attempt.version.module_id,
        follow_up.commitment.attempt.version.content_hash,
    )
    return module, module.card(follow_up.card_id)


def answer(
    follow_up: PracticeFollowUp, choice: str | None, note: str | None, at: datetime | None = None
) -> bool:
    """Record the person's answer; False if it was answered before (the first answer counts, so a
    form sent twice records one answer and one statement). Raises ``FollowUpError`` and changes
    nothing when the choice is missing or the note too long."""
    if follow_up.answered:
        return False
    if choice not in CHOICES:
        raise FollowUpError(_l("Velg ett av svarene."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARACTERS:
        raise FollowUpError(_l("Skriv høyst %(count)s tegn i notatet.", count=NOTE_MAX_CHARACTERS))
    follow_up.choice = choice
    follow_up.note = note
    follow_up.answered_at = at or utcnow()
    follow_up.statement_id = str(uuid.uuid4())
    db.session.flush()
    signals.practice_followed_up.send(current_app._get_current_object(), follow_up=follow_up)
    return True


# Counted anonymously ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardCounts:
    """How the people in reach answered about one practice card: ``answered`` people, and
    ``by_choice`` only when at least ``SHOWN_FROM`` did (else None: too few to show)."""

    card: Card
    title: Localised
    answered: int
    by_choice: dict[str, int] | None


def counts_for_viewer(viewer: Person, module: Module) -> list[CardCounts] | None:
    """The counts ``viewer`` may see for ``module``'s practice cards: over everyone for an admin of
    a top unit (who owns the module library), over the people holding a role in the units they
    lead for a manager, facilitator or other admin; None (nothing to show) for anyone else or a
    module without practice cards."""
    if not holds_any(viewer, LEADING_ROLES):
        return None  # leads nobody (the roles come with the signed-in person: no query)
    cards = [card for card in module.cards if card.type == PRACTICE]
    if not cards:
        return None
    if is_top_admin(viewer):
        return counts(module, cards, None)
    units = acted_on_unit_ids(viewer)
    if not units:
        return None
    return counts(module, cards, units)


def counts(module: Module, cards: Iterable[Card], unit_ids: Iterable[int] | None) -> list[CardCounts]:
    """Each card's counts over the people holding a role in ``unit_ids`` (everyone if None), each
    person counted once per card by their latest answer. One query."""
    query = (
        sa.select(PracticeFollowUp.person_id, PracticeFollowUp.card_id, PracticeFollowUp.choice)
        .where(PracticeFollowUp.module_id == module.id, PracticeFollowUp.answered_at.is_not(None))
        .order_by(PracticeFollowUp.answered_at, PracticeFollowUp.id)
    )
    if unit_ids is not None:
        in_reach = sa.select(RoleAssignment.person_id).where(RoleAssignment.unit_id.in_(list(unit_ids)))
        query = query.where(PracticeFollowUp.person_id.in_(in_reach))
    latest: dict[tuple[int, str], str] = {}
    for person_id, card_id, choice in db.session.execute(query):
        latest[(person_id, card_id)] = choice
    found = []
    for card in cards:
        choices = [choice for (_person, card_id), choice in latest.items() if card_id == card.id]
        by_choice = {key: choices.count(key) for key in CHOICES} if len(choices) >= SHOWN_FROM else None
        found.append(CardCounts(card, task_title(module, card), len(choices), by_choice))
    return found
