"""Installed module versions on disk and in memory.

Each installed version is copied, unchanged, to ``<instance>/modules/<module id>/<content hash>/``,
so an attempt can always reopen the version it started. Parsed modules are kept in memory by
content hash: a version's content never changes, so the cache never goes stale.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app
from markupsafe import Markup

from lms.content.cards.base import Card
from lms.content.package import Module, load_package
from lms.plugins import card_types

_parsed: dict[str, Module] = {}
_rendered: dict[tuple[str, str, str], Markup] = {}
_graded: dict[tuple[str, str, str, str], Markup] = {}
KEPT_GRADED = 4096
"""Past this many graded cards kept, a process forgets them all and renders again."""
GRADED_RESPONSE_CHARS = 256
"""A graded card is kept only for a response this short as JSON (a choice, an order, a yes): a
written text is seldom given twice."""
_lock = threading.Lock()


def storage_root() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "modules"


def stored_folder(module_id: str, content_hash: str) -> Path:
    return storage_root() / module_id / content_hash


def media_url(module_id: str, content_hash: str, path: str) -> str:
    return f"/media/{module_id}/{content_hash}/{path}"


def parse(folder: Path, *, installed: bool = False) -> Module:
    """Validate and parse the package in ``folder``; raises InvalidPackage. ``installed`` for a
    stored version, which may predate the governance fields."""
    return load_package(folder, card_types(), media_url, installed=installed)


def store(folder: Path, module: Module) -> Path:
    """Copy a validated package into storage (atomically: a half-copied folder is never seen)."""
    target = stored_folder(module.id, module.content_hash)
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=target.parent))
    try:
        shutil.copytree(folder, staging / "package")
        (staging / "package").rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def load(module_id: str, content_hash: str) -> Module:
    """The parsed module of an installed version, from memory after the first time."""
    module = _parsed.get(content_hash)
    if module is None:
        with _lock:
            module = _parsed.get(content_hash) or parse(
                stored_folder(module_id, content_hash), installed=True
            )
            _parsed[content_hash] = module
    return module


def rendered_once(module: Module, card: Card, locale: str, render: Callable[..., Markup]) -> Markup:
    """The card as shown before it is answered, rendered the first time it is asked for in
    ``locale``; a version's content never changes, so neither does this."""
    key = (module.content_hash, card.id, locale)
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = render(card, locale=locale, response=None, grade=None, error=None)
    return html


def rendered_graded(
    module: Module, card: Card, locale: str, response: Any, render: Callable[[], Markup]
) -> Markup:
    """The card as shown after ``response``, graded (``render()``): the same for everyone who gave
    that response, so rendered the first time it is shown in ``locale`` (for a short response)."""
    given = json.dumps(response, sort_keys=True, separators=(",", ":"))
    if len(given) > GRADED_RESPONSE_CHARS:
        return render()
    key = (module.content_hash, card.id, locale, given)
    html = _graded.get(key)
    if html is None:
        html = render()
        with _lock:
            if len(_graded) >= KEPT_GRADED:
                _graded.clear()
            _graded[key] = html
    return html
