"""The API's routes and what they take and give, in one registry: ``operation`` adds a view to the
blueprint (with its scope, ``lms.api.auth.api_scope``), checks its query and body against pydantic
models, serialises its answer through the response model, and records all of it for the OpenAPI
document (``lms.api.openapi``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, request
from pydantic import BaseModel, ValidationError

from lms.api.auth import api_scope
from lms.api.common import is_plain_text
from lms.api.errors import ApiError, Detail, place
from lms.extensions import csrf
from xapi import bounded_json

PREFIX = "/api/v1"

bp = csrf.exempt(Blueprint("api", __name__, url_prefix=PREFIX))
"""The API: token auth, so no CSRF and no session cookie."""


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    tag: str
    scope: str
    response: type[BaseModel]
    status: int
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    errors: tuple[int, ...]

    @property
    def path(self) -> str:
        """The OpenAPI path: ``/people/<external_id>`` as ``/api/v1/people/{external_id}``."""
        return PREFIX + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.rule)

    @property
    def path_parameters(self) -> dict[str, str]:
        """Each path parameter and its JSON type."""
        found = re.findall(r"<(?:(\w+):)?(\w+)>", self.rule)
        return {name: "integer" if converter == "int" else "string" for converter, name in found}


OPERATIONS: list[Operation] = []


def operation(
    method: str,
    rule: str,
    *,
    scope: str,
    tag: str,
    response: type[BaseModel],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
) -> Callable[[Callable], Callable]:
    """Register the decorated function as an API operation. It is called with the path values, and
    ``query`` and ``body`` (the checked models) when the operation has them; it returns an instance
    of ``response``. Its docstring's first line is the summary, the rest the description."""

    def decorate(function: Callable) -> Callable:
        def view(**values):
            if not all(is_plain_text(str(value)) for value in values.values()):
                raise ApiError(404)
            if query is not None:
                values["query"] = _checked(query, request.args.to_dict(), "query")
            if body is not None:
                values["body"] = _checked(body, _json_body(), "body")
            answer = function(**values)
            return answer.model_dump(mode="json"), status

        view.__name__ = view.__qualname__ = function.__name__
        bp.add_url_rule(rule, function.__name__, api_scope(scope)(view), methods=[method])
        summary, _, description = (function.__doc__ or "").strip().partition("\n")
        standard = (401, 403, 500) + ((404,) if "<" in rule else ())
        inputs = ((400,) if query or body else ()) + ((413, 415) if body else ())
        OPERATIONS.append(
            Operation(
                method=method.lower(),
                rule=rule,
                endpoint=function.__name__,
                summary=summary.strip(),
                description=" ".join(description.split()),
                tag=tag,
                scope=scope,
                response=response,
                status=status,
                body=body,
                query=query,
                errors=tuple(sorted(set(standard + inputs + errors))),
            )
        )
        return function

    return decorate


def _json_body():
    if request.mimetype != "application/json":
        raise ApiError(415)
    try:
        return bounded_json.loads(request.get_data())
    except ValueError as error:
        raise ApiError(400, f"The request body is not valid JSON: {error}.") from None


def _checked(model: type[BaseModel], data, root: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiError(
            400, "The request is not valid; nothing was changed.", _details(error, data, root)
        ) from None


def _details(error: ValidationError, data, root: str) -> list[Detail]:
    """Each problem pydantic found, with the place (``people[3].email``) and, inside a list of
    records, the record's external id."""
    details = []
    for problem in error.errors(include_url=False):
        location = problem["loc"]
        external_id = None
        if len(location) >= 2 and isinstance(data, dict) and isinstance(location[1], int):
            records = data.get(location[0])
            record = records[location[1]] if isinstance(records, list) else None
            if isinstance(record, dict) and isinstance(record.get("external_id"), str):
                external_id = record["external_id"]
        where = place(location) if root == "body" else place([root, *location])
        details.append(Detail(where=where or root, what=problem["msg"], external_id=external_id))
    return details
