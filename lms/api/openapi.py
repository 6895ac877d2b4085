"""The OpenAPI 3.1 document of the API, built from the route registry and the pydantic models' own
JSON schemas (nothing kept by hand beside them)."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from lms.api.errors import STANDARD_MESSAGES, Error
from lms.api.keys import SCOPES
from lms.api.registry import OPERATIONS, Operation

TITLE = "Lærevakt API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Units, people and roles (kept in sync by an HR system, by external id), shifts (pushed by "
    "rostering systems), assignments, and completion and requirement status (for reporting tools). "
    "Authenticate with an API key made by an admin: `Authorization: Bearer <key>`. Each operation "
    "needs one scope of the key. Every error is JSON: "
    '`{"error": {"status": 400, "message": "...", "details": [{"where": "people[3].email", '
    '"what": "..."}]}}`.'
)


def _models() -> list[tuple[type[BaseModel], str]]:
    found: list[tuple[type[BaseModel], str]] = [(Error, "serialization")]
    for op in OPERATIONS:
        found.append((op.response, "serialization"))
        if op.body is not None:
            found.append((op.body, "validation"))
    return list(dict.fromkeys(found))


def _parameters(op: Operation) -> list[dict]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": kind}}
        for name, kind in op.path_parameters.items()
    ]
    if op.query is not None:
        schema = op.query.model_json_schema()
        required = set(schema.get("required", ()))
        for name, property_schema in schema["properties"].items():
            parameter = {"name": name, "in": "query", "required": name in required}
            if "description" in property_schema:
                parameter["description"] = property_schema["description"]
            parameter["schema"] = property_schema
            parameters.append(parameter)
    return parameters


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _operation(op: Operation, refs: dict) -> dict:
    error = refs[(Error, "serialization")]
    responses = {
        str(op.status): {"description": "Done.", "content": _json(refs[(op.response, "serialization")])}
    }
    for status in op.errors:
        responses[str(status)] = {"description": STANDARD_MESSAGES[status], "content": _json(error)}
    document = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "description": f"{op.description}\n\nNeeds the scope `{op.scope}`.".strip(),
        "tags": [op.tag],
        "security": [{"apiKey": [op.scope]}],
        "parameters": _parameters(op),
        "responses": responses,
    }
    if op.body is not None:
        document["requestBody"] = {"required": True, "content": _json(refs[(op.body, "validation")])}
    return document


@cache
def document() -> dict:
    """The OpenAPI document (built once per process: the registry does not change while it runs)."""
    refs, definitions = models_json_schema(_models(), ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, refs)
    scopes = "\n".join(f"- `{scope}`: {what}" for scope, what in SCOPES.items())
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": f"An API key made by an admin. Scopes:\n{scopes}",
                }
            },
        },
    }
