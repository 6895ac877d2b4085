"""A card's HTML as the player shows it, before and after an answer: for the server's card page, and
for the reply to an answer sent from the phone (through Flask or ahead of it)."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from markupsafe import Markup

from lms.content import library
from lms.content.cards.base import Card
from lms.content.package import Module
from lms.plugins import card_types

UNANSWERED = object()
"""The response of a card not answered yet (None is a response some card types take)."""


def card_html(
    module: Module, card: Card, locale: str, response: Any = UNANSWERED, error: str | None = None
) -> Markup:
    """The card in ``locale``, graded if a ``response`` was given, with the ``error`` to show if
    any; its texts in ``locale`` also where no request says the language (an answer taken ahead of
    Flask). A card looks the same for everyone who gave the same response (or none): rendered once
    per language and response (``library``), except with an error to show."""
    card_type = card_types()[card.type]
    answered = response is not UNANSWERED
    shown = response if answered else None

    def rendered() -> Markup:
        grade = card_type.grade(card, shown) if answered else None
        with force_locale(locale):
            return card_type.render(card, locale=locale, response=shown, grade=grade, error=error)

    if error is not None:
        return rendered()
    if not answered:
        return library.rendered_once(module, card, locale, lambda *_args, **_context: rendered())
    return library.rendered_graded(module, card, locale, shown, rendered)
