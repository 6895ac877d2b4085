"""Cards without a right answer: a private reflection, a poll or Likert scale, and a practice task
to try on one's next shift."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from lms.content.cards.base import Card, CardType, ResponseError
from lms.content.cards.questions import choice_definition, read_options
from lms.content.localised import LANGUAGES

REFLECTION_MAX_CHARACTERS = 2000
LIKERT_POINTS = 5
DISAGREE = {"nb": "Helt uenig", "nn": "Heilt usamd", "en": "Strongly disagree"}
AGREE = {"nb": "Helt enig", "nn": "Heilt samd", "en": "Strongly agree"}
"""The ends of a Likert scale whose card names none."""


class ReflectionCard(CardType):
    """Free text, private to the learner: nobody else ever sees it, and it is not sent to the LRS.
    In a group run it is a prompt to talk about, not to type."""

    interaction_type = "long-fill-in"
    template = "learning/cards/reflection.html"

    def prepare(self, spec, reader) -> dict[str, Any]:
        return {"prompt": reader.markdown(spec, "prompt")}

    def read_response(self, card: Card, form) -> str:
        text = (form.get("text") or "").strip()
        if len(text) > REFLECTION_MAX_CHARACTERS:
            raise ResponseError(_l("Skriv høyst %(count)s tegn.", count=REFLECTION_MAX_CHARACTERS))
        return text


class PollCard(CardType):
    """A question about opinion or experience, with options and no right answer."""

    interaction_type = "choice"
    template = "learning/cards/poll.html"

    def prepare(self, spec, reader) -> dict[str, Any]:
        return {"question": reader.markdown(spec, "question"), "options": read_options(spec, reader)}

    def read_response(self, card: Card, form) -> str:
        value = form.get("response")
        if value not in {option["id"] for option in card.data["options"]}:
            raise ResponseError(_l("Velg et svar."))
        return value

    def interaction(self, card: Card) -> dict[str, Any]:
        return {"choices": choice_definition(card.data["options"])}

    def response_text(self, card: Card, response: str) -> str:
        return response


class LikertCard(PollCard):
    """A statement to rate on a five-point scale, from ``low`` to ``high``."""

    interaction_type = "likert"

    def prepare(self, spec, reader) -> dict[str, Any]:
        low = reader.text(spec, "low", required=False) or DISAGREE
        high = reader.text(spec, "high", required=False) or AGREE
        points = [
            {"id": str(n), "text": dict.fromkeys(LANGUAGES, str(n))} for n in range(1, LIKERT_POINTS + 1)
        ]
        points[0]["text"] = {language: f"1 – {text}" for language, text in low.items()}
        points[-1]["text"] = {language: f"{LIKERT_POINTS} – {text}" for language, text in high.items()}
        return {"question": reader.markdown(spec, "question"), "options": points}

    def interaction(self, card: Card) -> dict[str, Any]:
        return {"scale": choice_definition(card.data["options"])}


class PracticeCard(CardType):
    """ "Try it on your shift": a small task for the next shift; the learner commits to it."""

    interaction_type = "other"
    template = "learning/cards/practice.html"

    def prepare(self, spec, reader) -> dict[str, Any]:
        return {
            "title": reader.text(spec, "title", required=False),
            "task": reader.markdown(spec, "task"),
        }

    def read_response(self, card: Card, form) -> bool:
        return form.get("commit") == "yes"

    def response_text(self, card: Card, response: bool) -> str:
        return "committed" if response else "skipped"
