"""A practice card answered "Ja, jeg prøver" makes its follow-up, in the answer's transaction."""

from __future__ import annotations

from flask import Flask

from lms import signals
from lms.content.cards.base import Card
from lms.learning.models import Answer
from lms.practice.services import follow_up_for


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.card_answered.connect(card_answered)


def card_answered(_app: Flask, answer: Answer, card: Card) -> None:
    follow_up_for(answer, card)
