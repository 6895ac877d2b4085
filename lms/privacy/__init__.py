"""The person's own data: "Mine data" (show and export), erasure, retention, and the public privacy
and accessibility pages.

Each feature package answers the privacy signals (``lms.signals.personal_data_requested`` and
``person_erasing``) from a ``privacy.py`` of its own; ``connect`` finds and imports them all, so a
new feature package only has to add that file. Plugins outside ``lms`` connect their own receivers.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Iterable


def connect(search_path: Iterable[str], prefix: str = "lms.") -> list[str]:
    """Import ``<prefix><package>.privacy`` for every package on ``search_path`` (``lms.__path__``,
    passed in by ``create_app`` so that privacy does not import the app that assembles it) that has
    one; their receivers connect on import. Returns the modules' names."""
    found = []
    for package in pkgutil.iter_modules(search_path):
        name = f"{prefix}{package.name}.privacy"
        if package.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
            found.append(name)
    return found
