"""The base class of card types: validate a card's spec, render it, read and grade a response, and
describe it as an xAPI interaction.

A card type is a subclass of ``CardType`` registered under the ``lms.card_types`` entry point group;
the entry point's name is the ``type:`` that module packages write. Grading is a pure function of the
prepared card and the response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from flask import render_template
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

if TYPE_CHECKING:
    from lms.content.package import PackageReader
    from lms.content.yaml_lines import LineMap


@dataclass(frozen=True)
class Card:
    """A prepared card: what its type made of the spec, ready to render and grade."""

    id: str
    type: str
    index: int
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Grade:
    """The outcome of one response. ``score`` is 0..1 for scored cards, None for the others."""

    score: float | None = None
    feedback: Mapping[str, Markup] | None = None

    @property
    def correct(self) -> bool | None:
        return None if self.score is None else self.score >= 1.0


class ResponseError(ValueError):
    """A response the card cannot accept; the message is shown to the learner."""


class CardType:
    """Override what the card needs. The defaults describe a card that only shows something."""

    scored: ClassVar[bool] = False
    """Whether the card's grade counts toward the module's score."""
    interaction_type: ClassVar[str | None] = None
    """xAPI interaction type (``choice``, ``true-false``, ...); None for a card without a response."""
    template: ClassVar[str | None] = None
    """The Jinja template that renders the card; a plugin may override ``render`` instead."""

    name: str = ""
    """Set by the registry to the entry point's name."""

    @property
    def takes_response(self) -> bool:
        return self.interaction_type is not None

    def prepare(self, spec: LineMap, reader: PackageReader) -> dict[str, Any]:
        """Validate ``spec`` (report problems through ``reader``) and return the card's data."""
        return {}

    def render(self, card: Card, **context: Any) -> Markup:
        """The card's HTML. ``context`` holds ``locale``, ``response`` (or None) and ``grade``."""
        return Markup(render_template(self.template, card=card, card_type=self, **context))

    def read_response(self, card: Card, form: MultiDict) -> Any:
        """The response in ``form`` as plain JSON data; raise ResponseError when it is unusable."""
        return None

    def grade(self, card: Card, response: Any) -> Grade:
        return Grade()

    def interaction(self, card: Card) -> dict[str, Any]:
        """xAPI activity definition fields for the card beyond name and description."""
        return {}

    def response_text(self, card: Card, response: Any) -> str | None:
        """The response in xAPI's ``result.response`` format, or None to leave it out."""
        return None
