"""A practice card answered "Ja, jeg prøver" makes its follow-up, in the answer's transaction."""

from __future__ import annotations

from flask import Flask

from lms import signals
from lms.content.cards.base import Card
from lms.learning import answer_wsgi
from lms.learning.models import Answer
from lms.practice.services import PRACTICE, follow_up_for


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.card_answered.connect(card_answered)
    answer_wsgi.stands_in_for(card_answered, lambda card: card.type != PRACTICE)


def card_answered(_app: Flask, answer: Answer, card: Card) -> None:
    follow_up_for(answer, card)
