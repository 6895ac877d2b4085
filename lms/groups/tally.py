"""The group's answers to one card, counted: how many chose each option and the share who were
right. Pure: plain responses in, counts out; nothing here knows who gave which answer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from lms.content.cards.base import Card, CardType

MIN_ANSWERS_SHOWN = 3
"""Counts are shown once at least this many have answered, so a count of one cannot point at the
one person who has answered so far."""


@dataclass(frozen=True)
class OptionCount:
    id: str
    text: Any
    """A language map from the module, or a label of the platform's own."""
    count: int
    correct: bool | None


@dataclass(frozen=True)
class Tally:
    answered: int
    options: tuple[OptionCount, ...]
    right: int | None
    """How many answered right; None for a card without a right answer."""

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_ANSWERS_SHOWN

    @property
    def share_right(self) -> float | None:
        if self.right is None or not self.answered:
            return None
        return self.right / self.answered


def tally(card: Card, card_type: CardType, answers: Iterable[tuple[Any, float | None]]) -> Tally:
    """Count ``answers`` (response, score) to ``card``."""
    answers = list(answers)
    choices = _choices(card, card_type)
    counts = dict.fromkeys((choice[0] for choice in choices), 0)
    for response, _score in answers:
        for chosen in _chosen(card_type, response):
            if chosen in counts:
                counts[chosen] += 1
    options = tuple(
        OptionCount(id=key, text=text, count=counts[key], correct=correct)
        for key, text, correct in choices
    )
    right = None
    if card.data.get("scored"):
        right = sum(1 for _response, score in answers if score is not None and score >= 1.0)
    return Tally(answered=len(answers), options=options, right=right)


def _choices(card: Card, card_type: CardType) -> list[tuple[str, Any, bool | None]]:
    kind = card_type.interaction_type
    scored = bool(card.data.get("scored"))
    if kind in ("choice", "likert") and card.data.get("options"):
        return [
            (o["id"], o["text"], bool(o.get("correct")) if scored else None)
            for o in card.data["options"]
        ]
    if kind == "true-false":
        answer = card.data.get("answer")
        return [("true", _l("Sant"), answer is True), ("false", _l("Usant"), answer is False)]
    if kind == "other":
        return [("yes", _l("Ja, prøver"), None), ("no", _l("Ikke nå"), None)]
    return []


def _chosen(card_type: CardType, response: Any) -> list[str]:
    kind = card_type.interaction_type
    if kind == "true-false":
        return ["true" if response is True else "false"] if isinstance(response, bool) else []
    if kind == "other":
        return ["yes" if response else "no"]
    if isinstance(response, list):
        return [str(item) for item in response]
    if isinstance(response, str):
        return [response]
    return []
