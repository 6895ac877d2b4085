"""A module version's offline bundle served as bytes made once: what the player needs to show the
version's cards without asking the server, one JSON document per content hash and language.

A version's content never changes under its hash, so the document is built and serialised once per
process (``bundle_for``) and served with a strong ETag and a year's cache lifetime (``served``):
after the first time a request costs the sign-in check and a dictionary look-up. What the document
holds is the caller's ``contents`` function; this module only keeps and serves its bytes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Request, Response, current_app

from lms.content.package import Module

ONE_YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Bundle:
    body: bytes
    etag: str


_made: dict[tuple[str, str, str], Bundle] = {}
_lock = threading.Lock()


def made(module_id: str, content_hash: str, locale: str) -> Bundle | None:
    """The bundle already made in this process, if any: serving it needs no query."""
    return _made.get((module_id, content_hash, locale))


def bundle_for(module: Module, locale: str, contents: Callable[[Module, str], dict[str, Any]]) -> Bundle:
    """The bundle of ``module`` in ``locale``, built with ``contents`` the first time."""
    key = (module.id, module.content_hash, locale)
    bundle = _made.get(key)
    if bundle is None:
        with _lock:
            bundle = _made.get(key) or _serialised(contents(module, locale))
            _made[key] = bundle
    return bundle


def _serialised(document: dict[str, Any]) -> Bundle:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return Bundle(body=body, etag=hashlib.sha256(body).hexdigest()[:32])


def served(bundle: Bundle, request: Request) -> Response:
    """The bundle as a response that never goes stale (its URL names content hash and language):
    a strong ETag, ``immutable``, and 304 Not Modified to a browser that has it already."""
    response = current_app.response_class(bundle.body, mimetype="application/json")
    response.set_etag(bundle.etag)
    response.headers["Cache-Control"] = f"private, max-age={ONE_YEAR}, immutable"
    return response.make_conditional(request)
