"""JSON from the outside, parsed with a limit on how deeply it nests.

``[[[[...`` 50,000 deep makes ``json.loads`` raise ``RecursionError``, which is no ``ValueError``, so
a handler that refuses bad JSON lets it through as a 500; JSON just shallow enough to parse can still
exhaust the stack later, in a recursive validation or in ``json.dumps``. :func:`loads` refuses both
with :class:`TooDeep`, a ``ValueError``, so every caller's "not valid JSON" answer (400) covers it.

It lives here, in the lowest layer, because the built-in LRS needs it and ``xapi`` imports nothing
from ``lms``; ``lms`` may import ``xapi``, so the platform's own JSON (the HR API and every
``request.get_json``, through the app's JSON provider) uses the same function and the same limit.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 100
"""Arrays and objects inside each other. A statement nests about ten deep (a SubStatement's
context, its activities, their definition, its extensions); extension values and State documents
are an application's own JSON and get the rest. Far below what exhausts Python's stack."""


class TooDeep(ValueError):
    """The JSON nests deeper than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"it nests deeper than {limit} levels")


def loads(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, **kwargs: Any) -> Any:
    """``json.loads(data, **kwargs)``, raising :class:`TooDeep` past ``max_depth`` levels."""
    try:
        value = json.loads(data, **kwargs)
    except RecursionError:
        raise TooDeep(max_depth) from None
    if depth(value) > max_depth:
        raise TooDeep(max_depth)
    return value


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0, ``[]`` is 1), without
    recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest
