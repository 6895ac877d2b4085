"""Statements for the learning events, recorded to the outbox in the event's own transaction.

Each receiver listens to a signal of ``lms.signals`` that a learning service sends; a statement that
breaks the xAPI rules raises, so the flow that built it fails (and its test with it).
"""

from __future__ import annotations

import functools

from flask import Flask, current_app

from lms import signals
from lms.content.cards.base import Card
from lms.content.package import Module
from lms.core.kept import kept
from lms.extensions import db
from lms.learning.models import Answer, Attempt
from lms.learning.services import module_of
from lms.learning.standing import Verdict
from lms.plugins import card_types
from lms.tracking import credentials, groups, practice, workshops
from lms.tracking.profile import (
    ACTIVITY_TYPES,
    PROGRESS,
    Profile,
    iso_duration,
    plain_text,
    scaled_score,
)
from xapi.outbox import record

CARD_TEXT_FIELDS = ("question", "prompt", "task", "body", "title")


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.attempt_started.connect(module_initialized)
    signals.card_answered.connect(card_answered)
    signals.attempt_progressed.connect(module_progressed)
    signals.attempt_completed.connect(module_completed)
    signals.account_ended.connect(account_ended)
    workshops.connect()
    groups.connect()
    practice.connect()
    credentials.connect()


def profile() -> Profile:
    return _profile(current_app.config["BASE_URL"])


@functools.lru_cache(maxsize=8)
def _profile(base_url: str) -> Profile:
    return Profile(base_url)


def _context(attempt: Attempt, module: Module, *, parent: bool) -> dict:
    context = solo_context(attempt.uuid, attempt.person.locale, module, parent=parent)
    return groups.decorate(context, attempt)


def solo_context(registration: str, locale: str | None, module: Module, *, parent: bool) -> dict:
    """The context of a statement about an attempt (``registration``, its UUID) that is not a
    group run's: the module's version and the person's language (``locale``, else the default)."""
    return profile().module_context(
        registration=registration,
        module_id=module.id,
        version=module.version,
        content_hash=module.content_hash,
        language=locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        parent=parent,
    )


def _module_activity(module: Module) -> dict:
    return profile().module_activity(module.id, module.title, module.summary)


def _record_about_module(
    attempt: Attempt, module: Module, verb: str, *, at, result: dict | None = None
) -> None:
    statement = profile().statement(
        attempt.person.uuid,
        verb,
        _module_activity(module),
        at=at,
        context=_context(attempt, module, parent=False),
        result=result,
    )
    record(db.session, statement)


def module_initialized(_app: Flask, attempt: Attempt) -> None:
    _record_about_module(attempt, module_of(attempt), "initialized", at=attempt.started_at)


def card_answered(_app: Flask, answer: Answer, card: Card) -> None:
    attempt = answer.attempt
    module = module_of(attempt)
    statement = answered_statement(
        attempt.person.uuid,
        module,
        card,
        answer.response,
        answer.score,
        at=answer.answered_at,
        context=_context(attempt, module, parent=True),
    )
    record(db.session, statement)


def answered_statement(
    person_uuid: str, module: Module, card: Card, response, score: float | None, *, at, context: dict
) -> dict:
    """The ``answered`` statement of a response to ``card``, graded ``score``, given ``at``: the
    receiver's, and the player's answer lane's (``lms.learning.answer_wsgi``), which has no ORM
    objects of the answer to give."""
    made = profile()
    return made.statement(
        person_uuid,
        "answered",
        _card_activity(made, module, card),
        at=at,
        context=context,
        result=_answer_result(card, card_types()[card.type], response, score),
    )


KEPT_ACTIVITIES = 4096
_card_activities: dict[tuple[str, str, str, str], dict] = {}


def _card_activity(made: Profile, module: Module, card: Card) -> dict:
    """The card as the object of its ``answered`` statements: the same for every answer to the
    card in a version of the module (its content hash), so made once per process. The statements
    share it; nothing may change it."""

    def make() -> dict:
        card_type = card_types()[card.type]
        return made.card_activity(
            module.id,
            card.id,
            _card_name(card, module),
            card_type.interaction(card),
            card_type.interaction_type,
        )

    key = (made.base_url, module.id, module.content_hash, card.id)
    return kept(_card_activities, key, make, KEPT_ACTIVITIES)


def _card_name(card: Card, module: Module) -> dict[str, str]:
    text = next((card.data[f] for f in CARD_TEXT_FIELDS if card.data.get(f)), None) or module.title
    names = {language: plain_text(str(value), 250) for language, value in text.items()}
    return {language: name for language, name in names.items() if name} or dict(module.title)


def _answer_result(card: Card, card_type, response, score: float | None) -> dict:
    """A reflection is private: the statement says it was written, never what."""
    result: dict = {"completion": True}
    if card_type.interaction_type != "long-fill-in":
        text = card_type.response_text(card, response)
        if text is not None:
            result["response"] = text
    if score is not None:
        result["success"] = score >= 1.0
        result["score"] = scaled_score(score)
    return result


def module_progressed(_app: Flask, attempt: Attempt, module: Module) -> None:
    progress = round(100 * attempt.position / len(module.cards))
    result = {"extensions": {PROGRESS: progress}}
    _record_about_module(attempt, module, "progressed", at=attempt.updated_at, result=result)


def module_completed(_app: Flask, attempt: Attempt, module: Module) -> None:
    """``completed`` and ``passed``/``failed``; a group run only attended: ``attended``, with the
    score over the cards the person was there for and no completion."""
    result: dict = {"duration": iso_duration(attempt.completed_at - attempt.started_at)}
    if attempt.score is not None:
        result["score"] = scaled_score(attempt.score)
    if attempt.outcome == Verdict.ATTENDED:
        _record_about_module(attempt, module, "attended", at=attempt.completed_at, result=result)
        return
    result = {"completion": True, **result}
    _record_about_module(attempt, module, "completed", at=attempt.completed_at, result=result)
    if attempt.passed is not None:
        verdict = "passed" if attempt.passed else "failed"
        outcome = {**result, "success": attempt.passed}
        _record_about_module(attempt, module, verdict, at=attempt.completed_at, result=outcome)


def account_ended(_app: Flask, person, at) -> None:
    """The person's short-term account has ended: they ``terminated`` the platform."""
    activity = {
        "objectType": "Activity",
        "id": profile().activity_id("account"),
        "definition": {
            "type": ACTIVITY_TYPES["account"],
            "name": {"nb-NO": "Konto i Lærevakt", "en-US": "Lærevakt account"},
        },
    }
    record(db.session, profile().statement(person.uuid, "terminated", activity, at=at))
