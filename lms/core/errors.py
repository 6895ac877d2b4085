"""Friendly error pages, in the reader's language."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.extensions import db

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
}


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
    return render_error(error.code)


def _csrf_error(_error: CSRFError):
    return render_error(400, str(_l("Skjemaet var utløpt. Last siden på nytt og prøv igjen.")))


def _unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error", exc_info=error)
    if current_app.testing and current_app.config.get("PROPAGATE_EXCEPTIONS"):
        raise error
    return render_error(InternalServerError.code)
