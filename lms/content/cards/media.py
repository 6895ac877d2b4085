"""Cards that show something: text, an image (alt text required), a video (captions required)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from lms.content.cards.base import CardType


class TextCard(CardType):
    template = "learning/cards/text.html"

    def prepare(self, spec, reader) -> dict[str, Any]:
        return {
            "title": reader.text(spec, "title", required=False),
            "body": reader.markdown(spec, "body"),
        }


class ImageCard(CardType):
    template = "learning/cards/image.html"

    def prepare(self, spec, reader) -> dict[str, Any]:
        alt = reader.text(spec, "alt", required=False)
        if not alt:
            reader.problem(spec.line, _("bildekortet mangler alt-tekst («alt»)"))
        return {
            "title": reader.text(spec, "title", required=False),
            "src": reader.media(spec, "src", "image"),
            "alt": alt,
            "caption": reader.text(spec, "caption", required=False),
            "long_description": reader.markdown(spec, "long_description", required=False),
            "body": reader.markdown(spec, "body", required=False),
        }


class VideoCard(CardType):
    template = "learning/cards/video.html"

    def prepare(self, spec, reader) -> dict[str, Any]:
        if not spec.get("captions"):
            reader.problem(spec.line, _("videokortet mangler teksting («captions», en .vtt-fil)"))
        return {
            "title": reader.text(spec, "title", required=False),
            "src": reader.media(spec, "src", "video"),
            "captions": reader.media(spec, "captions", "captions", required=False),
            "poster": reader.media(spec, "poster", "image", required=False),
            "body": reader.markdown(spec, "body", required=False),
        }
