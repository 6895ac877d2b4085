"""Text in several languages: a mapping from language code to text, Bokmål always present.

A reader gets the text in their language, else in Bokmål: a Nynorsk reader of a module with no
Nynorsk text in a field reads that field in Bokmål, and an English reader likewise.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("nb", "nn", "en")
PRIMARY = "nb"
TAGS = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-US"}
"""Each language's tag (RFC 5646) in xAPI language maps and ``context.language``."""

Localised = Mapping[str, str]


def pick(text: Localised | None, locale: str) -> str:
    """The text in ``locale``, else in Bokmål."""
    if not text:
        return ""
    return text.get(locale) or text.get(PRIMARY) or next(iter(text.values()))


def has_language(text: Localised | None, locale: str) -> bool:
    """Whether ``text`` is written in ``locale`` itself, not only in the Bokmål it falls back to."""
    return bool(text and text.get(locale))


def language_map(text: Localised) -> dict[str, str]:
    """The text as an xAPI language map (nb-NO, nn-NO, en-US)."""
    return {TAGS[language]: value for language, value in text.items() if value}


def language_tag(locale: str) -> str:
    """The tag of an interface language, Bokmål's for one we do not know."""
    return TAGS.get(locale, TAGS[PRIMARY])
