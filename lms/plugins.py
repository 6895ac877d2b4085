"""Finding plugins: card types and module packs, through entry points and configured folders.

- ``lms.card_types``: each entry point names a ``CardType`` subclass; its name is the ``type:`` that
  module packages use. The built-in card types register here too.
- ``lms.modules``: each entry point names a function that returns a folder; every sub-folder of it
  holding a ``module.yaml`` is a module package.

The core never imports a plugin by name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType

from lms.content.cards.base import CardType
from lms.content.package import MANIFEST

CARD_TYPES_GROUP = "lms.card_types"
MODULES_GROUP = "lms.modules"


class PluginError(RuntimeError):
    pass


@functools.cache
def card_types() -> Mapping[str, CardType]:
    """Every registered card type by name, one instance each (loaded once per process)."""
    found: dict[str, CardType] = {}
    for entry_point in entry_points(group=CARD_TYPES_GROUP):
        card_class = entry_point.load()
        if not (isinstance(card_class, type) and issubclass(card_class, CardType)):
            raise PluginError(f"{entry_point.value} ({entry_point.name}) is not a CardType subclass")
        if entry_point.name in found and type(found[entry_point.name]) is not card_class:
            raise PluginError(f"two plugins register the card type {entry_point.name!r}")
        card_type = card_class()
        card_type.name = entry_point.name
        found[entry_point.name] = card_type
    return MappingProxyType(found)


def module_pack_roots(configured: Iterable[Path]) -> list[Path]:
    """The configured folders and those that ``lms.modules`` entry points provide."""
    roots = [Path(folder) for folder in configured]
    for entry_point in entry_points(group=MODULES_GROUP):
        provide: Callable[[], str | Path] = entry_point.load()
        roots.append(Path(provide()))
    return roots


def package_folders(roots: Iterable[Path]) -> list[Path]:
    """Every folder directly under ``roots`` (or a root itself) that holds a ``module.yaml``."""
    folders: list[Path] = []
    for root in roots:
        if (root / MANIFEST).is_file():
            folders.append(root)
        elif root.is_dir():
            folders.extend(sorted(p for p in root.iterdir() if (p / MANIFEST).is_file()))
    return folders
