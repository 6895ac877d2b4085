"""Text in several languages: a mapping from language code to text, Bokmål always present."""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("nb", "en")
PRIMARY = "nb"

Localised = Mapping[str, str]


def pick(text: Localised | None, locale: str) -> str:
    """The text in ``locale``, else in Bokmål."""
    if not text:
        return ""
    return text.get(locale) or text.get(PRIMARY) or next(iter(text.values()))


def language_map(text: Localised) -> dict[str, str]:
    """The text as an xAPI language map (nb-NO, en-US)."""
    tags = {"nb": "nb-NO", "en": "en-US"}
    return {tags[language]: value for language, value in text.items() if value}
