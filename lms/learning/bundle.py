"""A module version's bundle: every card as the server renders it before it is answered, in one
language, as JSON. The player on the phone shows cards from it, so moving to the next card waits for
no network; the server path renders the very same fragments (``library.rendered_once``), so a card
type, a plugin's too, has one definition that both paths share.

A version's content never changes, and the bundle's address carries a digest of its bytes, so it is
served as immutable and kept in memory, serialised, per content hash and language."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from lms.config import LOCALES
from lms.content import library
from lms.content.localised import pick
from lms.content.package import Module
from lms.plugins import card_types


@dataclass(frozen=True)
class Bundle:
    body: bytes
    digest: str
    """A strong ETag and the last part of the bundle's address."""


_built: dict[tuple[str, str, str], Bundle] = {}
_lock = threading.Lock()


def bundle_of(module: Module, locale: str) -> Bundle:
    """The module's bundle in ``locale`` (a known locale), built the first time it is asked for."""
    key = (module.id, module.content_hash, locale)
    found = _built.get(key)
    if found is None:
        with _lock:
            found = _built.get(key) or _build(module, locale)
            _built[key] = found
    return found


def known(module_id: str, content_hash: str, locale: str) -> Bundle | None:
    """The bundle already built for this version and language, without touching the database."""
    return _built.get((module_id, content_hash, locale))


def supported(locale: str) -> bool:
    return locale in LOCALES


def _build(module: Module, locale: str) -> Bundle:
    with force_locale(locale):
        data = {
            "module": module.id,
            "content_hash": module.content_hash,
            "locale": locale,
            "cards": [_card_entry(module, card, locale) for card in module.cards],
        }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Bundle(body=body, digest=hashlib.sha256(body).hexdigest()[:32])


def _card_entry(module: Module, card, locale: str) -> dict:
    card_type = card_types()[card.type]
    total = len(module.cards)
    last = card.index + 1 == total
    position = _("kort %(n)s av %(total)s", n=card.index + 1, total=total)
    return {
        "id": card.id,
        "index": card.index,
        "answerable": card_type.takes_response,
        "scored": bool(card.data.get("scored")),
        "html": str(library.rendered_once(module, card, locale, card_type.render)),
        "progress": _("Kort %(n)s av %(total)s", n=card.index + 1, total=total),
        "title": f"{pick(module.title, locale)} – {position} – Lærevakt",
        "answer_label": _("Svar") if card.data.get("scored") else _("Lagre og gå videre"),
        "next_label": _("Fullfør") if last else _("Neste"),
    }
