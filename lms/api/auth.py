"""Who is calling the API: the key in ``Authorization: Bearer <key>``, never the session cookie."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import g, request

from lms.access import mark
from lms.api.errors import ApiError
from lms.api.keys import find_active
from lms.api.models import ApiKey
from lms.audit.services import record


def require_key(scope: str) -> ApiKey:
    """The request's active key, which must hold ``scope``: 401 without a valid key, 403 without
    the scope. The key is kept in ``g.api_key`` for the request."""
    kind, _, text = request.headers.get("Authorization", "").partition(" ")
    key = find_active(text.strip()) if kind.lower() == "bearer" else None
    if key is None:
        raise ApiError(401)
    if scope not in key.scopes:
        raise ApiError(403, f"The API key does not have the scope '{scope}' this operation needs.")
    g.api_key = key
    return key


def current_key() -> ApiKey:
    """The key the current API request authenticated with (set by ``require_key``)."""
    return g.api_key


def record_change(
    action: str, subject_type: str = "", subject_id: object = "", details: dict | None = None
) -> None:
    """Put a change made through the API in the audit log. No person acts: the entry names the key
    (its id and the name the admin gave it)."""
    key = current_key()
    details = {"api_key": f"{key.id} {key.name}", **(details or {})}
    record(None, action, subject_type, subject_id, details)


def api_scope(scope: str) -> Callable[[Callable], Callable]:
    """An API client whose key (``Authorization: Bearer``) holds ``scope``; the session cookie is never
    used. Without a valid key 401, without the scope 403, both as JSON (``lms.api.errors``)."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            require_key(scope)
            return view(*args, **kwargs)

        return mark(wrapper, f"api:{scope}")

    return decorate
