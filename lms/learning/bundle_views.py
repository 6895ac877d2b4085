"""The offline bundle's address: a module version's cards for the player on the phone, served from
bytes made once (``lms.learning.bundle``)."""

from __future__ import annotations

import re

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import get_locale

from lms.access import signed_in
from lms.content import library
from lms.content.localised import pick
from lms.content.package import MODULE_ID, Module
from lms.learning import bundle
from lms.plugins import card_types

bp = Blueprint("bundles", __name__)

CONTENT_HASH = re.compile(r"^[0-9a-f]{64}$")


@bp.route("/learn/<module_id>/bundle/<content_hash>/<locale>.json")
@signed_in
def module_bundle(module_id: str, content_hash: str, locale: str):
    """Any installed version's bundle, as its media files are (an attempt stays on the version it
    began), in the reader's language: another language's address leads to the reader's own. A
    bundle made before is served without a query."""
    reader_locale = str(get_locale())
    if locale != reader_locale:
        return redirect(
            url_for(".module_bundle", module_id=module_id, content_hash=content_hash,
                    locale=reader_locale)
        )  # fmt: skip
    made = bundle.made(module_id, content_hash, locale)
    if made is None:
        if not (MODULE_ID.match(module_id) and CONTENT_HASH.match(content_hash)):
            abort(404)
        if not library.stored_folder(module_id, content_hash).is_dir():
            abort(404)
        module = library.load(module_id, content_hash)
        made = bundle.bundle_for(module, locale, bundle_contents)
    return bundle.served(made, request)


def bundle_contents(module: Module, locale: str) -> dict:
    """What the bundle holds: the module's title and each card as shown before it is answered."""
    return {
        "module": module.id,
        "content_hash": module.content_hash,
        "locale": locale,
        "title": pick(module.title, locale),
        "cards": [
            {
                "id": card.id,
                "index": card.index,
                "type": card.type,
                "scored": bool(card.data.get("scored")),
                "html": str(library.rendered_once(module, card, locale, card_types()[card.type].render)),
            }
            for card in module.cards
        ],
    }
