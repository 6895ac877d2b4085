"""The page a paged list is asked for (``?page=``), within bounds the database can count to."""

from __future__ import annotations

from flask import abort, request

MAX_PAGE = 100_000
"""No list here has this many pages; past it ``(page - 1) * per_page`` no longer fits the database's
integers (SQLite raises ``OverflowError``, PostgreSQL an out-of-range error), so it is refused."""


def requested_page() -> int:
    """``?page=`` as a page number from 1: missing, unreadable or below 1 is the first page; past
    ``MAX_PAGE`` is a bad request (400)."""
    page = request.args.get("page", 1, type=int)
    if page > MAX_PAGE:
        abort(400)
    return max(page, 1)
