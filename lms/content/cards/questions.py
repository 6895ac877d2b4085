"""Scored question cards: single choice, multiple choice, true/false, ordering.

Each teaches: after an answer the learner sees whether it was right, the right answer and an
explanation. Grading is all or nothing per card.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.content.cards.base import Card, CardType, Grade, ResponseError
from lms.content.localised import language_map
from lms.content.yaml_lines import LineList, LineMap


def read_options(spec: LineMap, reader, *, key: str = "options", minimum: int = 2) -> list[dict]:
    """The ``options`` of a card: each with an ``id`` and a localised ``text``."""
    entries = spec.get(key)
    if not isinstance(entries, LineList) or len(entries) < minimum:
        message = _("«%(key)s» skal være en liste med minst %(minimum)s valg", key=key, minimum=minimum)
        reader.problem(spec.line_of(key), message)
        return []
    options, seen = [], set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, LineMap):
            reader.problem(entries.line_of(index), _("et valg skal ha «id» og «text»"))
            continue
        option_id = str(entry.get("id", ""))
        if not option_id or option_id in seen or "[" in option_id or "," in option_id:
            message = _("valget har manglende eller dobbel id «%(id)s»", id=option_id)
            reader.problem(entry.line_of("id"), message)
        seen.add(option_id)
        options.append(
            {
                "id": option_id,
                "text": reader.text(entry, "text"),
                "correct": entry.get("correct") is True,
                "feedback": reader.markdown(entry, "feedback", required=False),
            }
        )
    return options


def choice_definition(options: list[dict]) -> list[dict]:
    return [{"id": o["id"], "description": language_map(o["text"] or {})} for o in options]


class QuestionCard(CardType):
    """Shared by the scored question cards: a question, an explanation, and feedback texts."""

    scored = True

    def prepare(self, spec, reader) -> dict[str, Any]:
        return {
            "question": reader.markdown(spec, "question"),
            "explanation": reader.markdown(spec, "explanation", required=False),
        }

    def grade(self, card: Card, response: Any) -> Grade:
        right = self.is_correct(card, response)
        return Grade(score=1.0 if right else 0.0, feedback=self.feedback(card, response))

    def is_correct(self, card: Card, response: Any) -> bool:
        raise NotImplementedError

    def feedback(self, card: Card, response: Any):
        return card.data.get("explanation")


class SingleChoiceCard(QuestionCard):
    interaction_type = "choice"
    template = "learning/cards/choice.html"
    multiple = False

    def prepare(self, spec, reader) -> dict[str, Any]:
        data = super().prepare(spec, reader)
        data["options"] = read_options(spec, reader)
        data["multiple"] = self.multiple
        correct = sum(option["correct"] for option in data["options"])
        if data["options"] and not self.has_valid_answer_count(correct):
            reader.problem(spec.line_of("options"), str(self.answer_count_problem))
        return data

    answer_count_problem = _l("et enkeltvalg skal ha nøyaktig ett riktig svar (correct: true)")

    def has_valid_answer_count(self, correct: int) -> bool:
        return correct == 1

    def read_response(self, card: Card, form) -> list[str]:
        known = {option["id"] for option in card.data["options"]}
        chosen = [value for value in form.getlist("response") if value in known]
        if not chosen:
            raise ResponseError(_l("Velg et svar."))
        return chosen if self.multiple else chosen[:1]

    def is_correct(self, card: Card, response: list[str]) -> bool:
        return set(response) == self.correct_ids(card)

    def correct_ids(self, card: Card) -> set[str]:
        return {option["id"] for option in card.data["options"] if option["correct"]}

    def feedback(self, card: Card, response: list[str]):
        chosen = [o for o in card.data["options"] if o["id"] in response and o["feedback"]]
        return chosen[0]["feedback"] if len(chosen) == 1 else card.data.get("explanation")

    def interaction(self, card: Card) -> dict[str, Any]:
        return {
            "correctResponsesPattern": ["[,]".join(sorted(self.correct_ids(card)))],
            "choices": choice_definition(card.data["options"]),
        }

    def response_text(self, card: Card, response: list[str]) -> str:
        return "[,]".join(response)


class MultipleChoiceCard(SingleChoiceCard):
    multiple = True
    answer_count_problem = _l("et flervalg skal ha minst ett riktig svar (correct: true)")

    def has_valid_answer_count(self, correct: int) -> bool:
        return correct >= 1


class TrueFalseCard(QuestionCard):
    interaction_type = "true-false"
    template = "learning/cards/true_false.html"

    def prepare(self, spec, reader) -> dict[str, Any]:
        data = super().prepare(spec, reader)
        if not isinstance(spec.get("answer"), bool):
            reader.problem(
                spec.line_of("answer"), _("«%(key)s» skal være true eller false", key="answer")
            )
        data["answer"] = spec.get("answer") is True
        return data

    def read_response(self, card: Card, form) -> bool:
        value = form.get("response")
        if value not in ("true", "false"):
            raise ResponseError(_l("Velg sant eller usant."))
        return value == "true"

    def is_correct(self, card: Card, response: bool) -> bool:
        return response is card.data["answer"]

    def interaction(self, card: Card) -> dict[str, Any]:
        return {"correctResponsesPattern": [str(card.data["answer"]).lower()]}

    def response_text(self, card: Card, response: bool) -> str:
        return str(response).lower()


class OrderingCard(QuestionCard):
    """Put the items in the right order; the package lists them in that order."""

    interaction_type = "sequencing"
    template = "learning/cards/ordering.html"

    def prepare(self, spec, reader) -> dict[str, Any]:
        data = super().prepare(spec, reader)
        data["items"] = read_options(spec, reader, key="items", minimum=3)
        data["shown"] = self.shuffled(spec.get("id", ""), data["items"])
        return data

    @staticmethod
    def shuffled(card_id: str, items: list[dict]) -> list[dict]:
        """A fixed order that is not the answer, the same on every device and without JavaScript."""
        ordered = sorted(
            items, key=lambda item: hashlib.sha256(f"{card_id}:{item['id']}".encode()).digest()
        )
        if [i["id"] for i in ordered] == [i["id"] for i in items] and len(items) > 1:
            ordered = ordered[1:] + ordered[:1]
        return ordered

    def read_response(self, card: Card, form) -> list[str]:
        items = card.data["items"]
        positions = {}
        for item in items:
            value = form.get(f"position-{item['id']}", "")
            if not value.isdigit() or not 1 <= int(value) <= len(items):
                raise ResponseError(_l("Gi hvert steg en plass i rekkefølgen."))
            positions[item["id"]] = int(value)
        if len(set(positions.values())) != len(items):
            raise ResponseError(_l("To steg har fått samme plass. Gi hvert steg sin egen plass."))
        return sorted(positions, key=positions.get)

    def is_correct(self, card: Card, response: list[str]) -> bool:
        return response == [item["id"] for item in card.data["items"]]

    def interaction(self, card: Card) -> dict[str, Any]:
        return {
            "correctResponsesPattern": ["[,]".join(item["id"] for item in card.data["items"])],
            "choices": choice_definition(card.data["items"]),
        }

    def response_text(self, card: Card, response: list[str]) -> str:
        return "[,]".join(response)
