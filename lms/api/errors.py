"""Every error under ``/api/v1`` is JSON: ``{"error": {"status", "message", "details": [...]}}``,
where each detail names a place (``people[3].email``) and what is wrong there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import current_app, jsonify
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.extensions import db
from xapi.db import RETRY_AFTER_SECONDS, database_unavailable

STANDARD_MESSAGES = {
    400: "The request is not valid.",
    401: "A valid API key is needed: send it as 'Authorization: Bearer <key>'.",
    403: "The API key does not have the scope this operation needs.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "The request conflicts with what is stored.",
    413: "The request body is too large.",
    415: "The request body must be JSON (Content-Type: application/json).",
    422: "The request is well-formed but cannot be carried out.",
    429: "Too many requests.",
    500: "Something went wrong on our side. The error is logged.",
    503: "The database is not available now. Try again later.",
}


class Detail(BaseModel):
    where: str = Field(description="The place in the request, e.g. ``people[3].email``.")
    what: str = Field(description="What is wrong there.")
    external_id: str | None = Field(
        default=None, description="The external id of the record, when the place is in a record."
    )


class ErrorBody(BaseModel):
    status: int
    message: str
    details: list[Detail] = Field(default_factory=list)


class Error(BaseModel):
    """The body of every error response."""

    error: ErrorBody


class ApiError(HTTPException):
    """An error to answer in JSON, with a message and the places it concerns."""

    def __init__(self, status: int, message: str | None = None, details: Sequence[Detail] = ()):
        super().__init__(message or STANDARD_MESSAGES.get(status, ""))
        self.code = status
        self.message = message or STANDARD_MESSAGES.get(status, "Error.")
        self.details = list(details)


def json_error(status: int, message: str | None = None, details: Iterable[Detail] = ()):
    body = Error(
        error=ErrorBody(
            status=status,
            message=message or STANDARD_MESSAGES.get(status, "Error."),
            details=list(details),
        )
    )
    response = jsonify(body.model_dump(mode="json", exclude_none=True))
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def place(location: Sequence[str | int]) -> str:
    """``("people", 3, "email")`` as ``people[3].email``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def handle_http_error(error: HTTPException):
    if isinstance(error, ApiError):
        return json_error(error.code, error.message, error.details)
    code = error.code or 500
    return json_error(code, STANDARD_MESSAGES.get(code, error.description))


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    if database_unavailable(error):
        current_app.logger.warning("database unavailable: %s", error)
        response = json_error(503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    current_app.logger.exception("unhandled error in the API", exc_info=error)
    return json_error(InternalServerError.code)
