"""The API blueprint: every resource's operations, the OpenAPI document, and JSON errors."""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from lms.access import public
from lms.api import assignments, people, reports, shifts, surveys, units
from lms.api.errors import handle_http_error, handle_unexpected_error
from lms.api.openapi import document
from lms.api.registry import PREFIX, bp
from lms.core.errors import answer_in_json_under

RESOURCES = (units, people, shifts, assignments, reports, surveys)
"""The modules whose operations make up the API (importing them registers them)."""

bp.register_error_handler(HTTPException, handle_http_error)
bp.register_error_handler(Exception, handle_unexpected_error)
bp.record_once(
    lambda state: answer_in_json_under(state.app, PREFIX, handle_http_error, handle_unexpected_error)
)


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document of the API (public: it describes the API, it holds no data)."""
    return jsonify(document())
