"""A confirmation submitted again after its thing is gone (a double tap, or back and resubmit)."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, flash, redirect


def already_gone(message: str, to: str) -> NoReturn:
    """Stop the request: back to the list at ``to`` (where the person came from) with ``message``,
    changing nothing. Only for a thing the person could have seen: a thing that never existed, or
    belongs where they may not look, stays a 404 or 403 as the access rules say."""
    flash(message, "info")
    abort(redirect(to, 303))
