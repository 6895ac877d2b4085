"""The language a request is answered in: the person's choice, else the ``lang`` cookie, else the
browser's ``Accept-Language``, else the default. Flask-Babel's locale selector (``lms.core.setup``),
and read directly where a Babel ``Locale`` is not needed (the player's answer)."""

from __future__ import annotations

import functools

from flask import current_app, has_request_context, request
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from lms.config import LOCALES

_LANGUAGE_ALIASES = {"nb": "nb", "no": "nb", "nn": "nn", "no-nn": "nn", "en": "en"}
"""What a browser's ``Accept-Language`` tag means here. ``nn``, ``nn-NO`` and the older ``no-NN``
ask for Nynorsk; ``no`` (and ``no-NO``) for Norwegian without saying which, which is Bokmål."""


def select_locale() -> str:
    """The person's chosen language, else the ``lang`` cookie, else the browser's, else the default."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return locale_of(getattr(current_user, "locale", None), request.cookies.get("lang"), request.environ)


def locale_of(chosen: str | None, cookie: str | None, environ: dict) -> str:
    """``select_locale``'s choice from the person's ``chosen`` language, the ``lang`` cookie and
    the request's ``environ``: also for a request answered without Flask's request context."""
    if chosen in LOCALES:
        return chosen
    if cookie in LOCALES:
        return cookie
    browser = _browser_language(environ.get("HTTP_ACCEPT_LANGUAGE", ""))
    return _LANGUAGE_ALIASES.get(browser, current_app.config["BABEL_DEFAULT_LOCALE"])


@functools.lru_cache(maxsize=256)
def _browser_language(header: str) -> str | None:
    """The best of ``_LANGUAGE_ALIASES`` for a browser's ``Accept-Language``: read once per process
    for each header (a browser sends the same one every time), as parsing it cost each page of
    someone who chose no language more than the rest of choosing it."""
    return parse_accept_header(header, LanguageAccept).best_match(list(_LANGUAGE_ALIASES))
