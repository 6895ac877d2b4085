"""The statement for a practice follow-up's answer (docs/xapi-profile.md, *Practice follow-ups*):
``answered``, the follow-up as a ``choice`` interaction whose parent is the practice card, with the
choice's id as ``result.response``. The private note never leaves the platform.

The statement's id was made with the answer (``PracticeFollowUp.statement_id``), so it is recorded
once, in the answer's transaction.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import force_locale

from lms import signals
from lms.extensions import db
from lms.practice.models import PracticeFollowUp
from lms.practice.services import CHOICES, module_and_card, task_title
from lms.tracking.profile import Profile
from xapi.outbox import record

QUESTION = {"nb": "Hvordan gikk det?", "en": "How did it go?"}
FOLLOW_UP = "follow-up"
"""The last part of a follow-up's activity id, under its practice card's."""


def connect() -> None:
    signals.practice_followed_up.connect(follow_up_answered)


def follow_up_answered(_app: Flask, follow_up: PracticeFollowUp) -> None:
    profile = Profile(current_app.config["BASE_URL"])
    attempt = follow_up.commitment.attempt
    module, card = module_and_card(follow_up)
    title = task_title(module, card)
    card_id = profile.activity_id("module", module.id, "card", follow_up.card_id)
    with force_locale("nb"):
        choices = [{"id": key, "description": {"nb-NO": str(label)}} for key, label in CHOICES.items()]
    activity = profile.card_activity(
        module.id,
        f"{follow_up.card_id}/{FOLLOW_UP}",
        {lang: f"{QUESTION.get(lang, QUESTION['nb'])} {text}" for lang, text in title.items()},
        {"choices": choices},
        "choice",
    )
    context = profile.module_context(
        registration=attempt.uuid,
        module_id=module.id,
        version=module.version,
        content_hash=module.content_hash,
        language=attempt.person.locale or "nb",
        parent=False,
    )
    context["contextActivities"] = {
        "parent": [{"id": card_id}],
        "grouping": [{"id": profile.activity_id("module", module.id)}],
    }
    statement = profile.statement(
        attempt.person.uuid,
        "answered",
        activity,
        at=follow_up.answered_at,
        context=context,
        result={"response": follow_up.choice, "completion": True},
    )
    statement["id"] = follow_up.statement_id
    record(db.session, statement)
