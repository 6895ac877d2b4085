"""Values kept per process under a key, made the first time they are asked for."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

Value = TypeVar("Value")


def kept(store: dict, key: Hashable, make: Callable[[], Value], most: int) -> Value:
    """``store[key]``, made with ``make()`` the first time. Past ``most`` values kept, ``store``
    forgets them all (each is made again when next asked for), so it never grows without bound."""
    found = store.get(key)
    if found is None:
        found = make()
        if len(store) >= most:
            store.clear()
        store[key] = found
    return found
