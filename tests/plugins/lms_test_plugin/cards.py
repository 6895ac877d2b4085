"""``number_guess``: a question answered with a number, right within a tolerance.

Written as a third party would: it uses only the published ``CardType`` interface and renders its
own HTML from a template string, since a plugin has no files in the application's templates.
"""

from __future__ import annotations

import math
from typing import Any

from flask import render_template_string
from markupsafe import Markup

from lms.content.cards.base import Card, CardType, Grade, ResponseError

TEMPLATE = """\
<div class="question-set">
  <div class="question" id="card-{{ card.id }}-question">{{ card.data.question|localise }}</div>
  {% if error %}<p class="error" id="card-{{ card.id }}-error" role="alert">{{ error }}</p>{% endif %}
  <div class="field">
    <label for="card-{{ card.id }}-number">{{ _('Ditt svar') }}
      {%- if card.data.unit %} ({{ card.data.unit|localise }}){% endif %}</label>
    <input type="text" inputmode="decimal" name="response" id="card-{{ card.id }}-number"
      value="{{ '%g'|format(response) if response is not none }}"
      aria-describedby="card-{{ card.id }}-question{{ ' card-' ~ card.id ~ '-error' if error }}"
      {{- ' disabled' if grade }}>
  </div>
</div>
{% if grade %}
<div class="feedback {{ 'feedback-right' if grade.correct else 'feedback-wrong' }}" role="status">
  <p class="feedback-verdict" data-plugin="number_guess">
    {{- _('Riktig!') if grade.correct else _('Ikke helt.') }}
    {{ _('Svaret er %(answer)s.', answer='%g'|format(card.data.answer)) }}</p>
  {% if grade.feedback %}{{ grade.feedback|localise }}{% endif %}
</div>
{% endif %}
"""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class NumberGuessCard(CardType):
    scored = True
    interaction_type = "numeric"

    def prepare(self, spec, reader) -> dict[str, Any]:
        answer = spec.get("answer")
        tolerance = spec.get("tolerance", 0)
        if not _number(answer):
            reader.problem(spec.line_of("answer"), "«answer» skal være et tall")
        if not _number(tolerance) or tolerance < 0:
            reader.problem(spec.line_of("tolerance"), "«tolerance» skal være et tall, 0 eller mer")
        return {
            "question": reader.markdown(spec, "question"),
            "explanation": reader.markdown(spec, "explanation", required=False),
            "unit": reader.text(spec, "unit", required=False),
            "answer": answer,
            "tolerance": tolerance,
        }

    def render(self, card: Card, **context: Any) -> Markup:
        return Markup(
            render_template_string(
                TEMPLATE,
                card=card,
                response=context.get("response"),
                grade=context.get("grade"),
                error=context.get("error"),
            )
        )

    def read_response(self, card: Card, form) -> float:
        text = (form.get("response") or "").strip().replace(" ", "").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise ResponseError("Skriv svaret som et tall.") from None
        if not math.isfinite(value):
            raise ResponseError("Skriv svaret som et tall.")
        return value

    def grade(self, card: Card, response: float) -> Grade:
        right = abs(response - card.data["answer"]) <= card.data["tolerance"]
        return Grade(score=1.0 if right else 0.0, feedback=card.data.get("explanation"))

    def interaction(self, card: Card) -> dict[str, Any]:
        low = card.data["answer"] - card.data["tolerance"]
        high = card.data["answer"] + card.data["tolerance"]
        return {"correctResponsesPattern": [f"{low:g}[:]{high:g}"]}

    def response_text(self, card: Card, response: float) -> str:
        return f"{response:g}"
