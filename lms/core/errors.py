"""Friendly error pages, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.extensions import db, login_manager
from xapi.db import RETRY_AFTER_SECONDS, database_unavailable

INVALID = HTTPStatus.UNPROCESSABLE_ENTITY
"""The status of a page shown again with its form's errors (or a file's problems): 422."""

MESSAGES = {
    400: (_l("Noe var galt med forespørselen"), _l("Prøv igjen fra forrige side.")),
    403: (_l("Ingen tilgang"), _l("Du har ikke tilgang til denne siden.")),
    404: (_l("Fant ikke siden"), _l("Lenken kan være gammel, eller siden er flyttet.")),
    405: (_l("Ikke tillatt"), _l("Denne handlingen er ikke tillatt her.")),
    413: (_l("Filen er for stor"), _l("Velg en mindre fil og prøv igjen.")),
    429: (
        _l("For mange forsøk"),
        _l("Du har prøvd for mange ganger på kort tid. Vent et minutt og prøv igjen."),
    ),
    500: (_l("Noe gikk galt hos oss"), _l("Feilen er logget. Prøv igjen om litt.")),
    503: (
        _l("Lærevakt er utilgjengelig akkurat nå"),
        _l("Vi får ikke kontakt med databasen. Vent litt og prøv igjen."),
    ),
}


JSON_PATHS = "lms.json_error_paths"


def answer_in_json_under(
    app: Flask, prefix: str, http_error: Callable, unexpected_error: Callable
) -> None:
    """Errors on paths under ``prefix`` (an API, whose clients read JSON, not pages) are answered by
    these handlers instead, also when no route matched (404, 405)."""
    app.extensions.setdefault(JSON_PATHS, []).append((prefix, http_error, unexpected_error))


def _json_handlers() -> tuple[Callable, Callable] | None:
    for prefix, http_error, unexpected_error in current_app.extensions.get(JSON_PATHS, ()):
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return http_error, unexpected_error
    return None


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(Exception, _unexpected_error)


def render_error(code: int, message: str | None = None):
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    page = render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    )
    return page, code


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if database_unavailable(getattr(error, "original_exception", None)):
        return _unexpected_error(error.original_exception)
    json_handlers = _json_handlers()
    if json_handlers:
        return json_handlers[0](error)
    return render_error(error.code)


def _csrf_error(_error: CSRFError):
    return render_error(400, str(_l("Skjemaet var utløpt. Last siden på nytt og prøv igjen.")))


def _unexpected_error(error: Exception):
    json_handlers = _json_handlers()
    if json_handlers:
        return json_handlers[1](error)
    db.session.rollback()
    if database_unavailable(error):
        current_app.logger.warning("database unavailable: %s", error)
        return unavailable_page()
    current_app.logger.exception("unhandled error", exc_info=error)
    if current_app.testing and current_app.config.get("PROPAGATE_EXCEPTIONS"):
        raise error
    return render_error(InternalServerError.code)


def unavailable_page():
    """503 with ``Retry-After``, for a database that is down or locked. The page is shown as to a
    visitor who is not signed in: the menu would need the person, and the person needs the
    database."""
    login_manager._update_request_context_with_user()
    page, code = render_error(503)
    return page, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}
