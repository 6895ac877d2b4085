"""Reading an xAPI request for the built-in LRS: the request as xAPI sees it (``XRequest``, with the
alternate request syntax unwrapped), its version and credentials, its parameters and its body. What
is malformed raises ``ApiError`` with the status the specification names.

These read the request of the Flask request context (``flask.request``, and ``g.xreq`` and
``g.xapi_version`` once ``xapi.lrs.api`` has set them).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import g, request
from werkzeug.datastructures import Authorization, Headers, MultiDict
from werkzeug.http import parse_options_header

from xapi import bounded_json
from xapi.lrs import attachments, queries, tables
from xapi.validation import IRI, UUID, agent_problems

FILTERS = (
    "agent", "verb", "activity", "registration", "related_activities", "related_agents", "since",
    "until", "limit", "format", "attachments", "ascending",
)  # fmt: skip
FORMATS = ("exact", "ids", "canonical")
ALTERNATE_HEADERS = {
    "authorization", "x-experience-api-version", "content-type", "content-length", "if-match",
    "if-none-match",
}  # fmt: skip


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        super().__init__(message)


@dataclass
class XRequest:
    """The request as xAPI sees it: with the alternate request syntax the method, headers,
    parameters and body come from the query string and the form."""

    method: str
    args: MultiDict
    headers: Headers
    body: bytes
    alternate: bool = False

    @property
    def mimetype(self) -> str:
        return parse_options_header(self.headers.get("Content-Type", ""))[0].lower()

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def is_2_0() -> bool:
    return getattr(g, "xapi_version", "").startswith("2.0")


def reply_version() -> str:
    """The version header of the answer to a request naming a supported version."""
    return "2.0.0" if is_2_0() else "1.0.3"


def authorization(xreq: XRequest) -> Authorization | None:
    """The request's credentials (with the alternate request syntax, maybe from its form)."""
    if xreq.alternate and "Authorization" in xreq.headers:
        return Authorization.from_header(xreq.headers["Authorization"])
    return request.authorization


# Requests ---------------------------------------------------------------------------------------


def read_request() -> XRequest:
    """The request, unwrapped from the alternate request syntax when it uses it."""
    if "method" not in request.args:
        return XRequest(request.method, request.args, request.headers, request.get_data(cache=True))
    if request.method != "POST":
        raise ApiError(400, "the alternate request syntax is a POST")
    if set(request.args) != {"method"}:
        raise ApiError(400, "with the alternate request syntax, method is the only query parameter")
    method = request.args["method"].upper()
    if method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
        raise ApiError(400, f"method {method!r} is not an HTTP method xAPI uses")
    if request.mimetype != "application/x-www-form-urlencoded":
        raise ApiError(400, "the alternate request syntax sends application/x-www-form-urlencoded")
    headers = Headers(request.headers)
    args = MultiDict()
    content = b""
    for key, value in request.form.items(multi=True):
        if key.lower() in ALTERNATE_HEADERS:
            headers[key] = value
        elif key == "content":
            content = value.encode("utf-8")
        else:
            args.add(key, value)
    if "content" not in request.form:
        headers.pop("Content-Type", None)
        if method in ("PUT", "POST"):
            raise ApiError(400, "the alternate request syntax sends the body as the form's content")
    elif "Content-Type" not in {key.title() for key in request.form}:
        headers["Content-Type"] = "application/json"
    return XRequest(method, args, headers, content, alternate=True)


def only_params(allowed: set[str], *, each_once: bool = False) -> None:
    """400 for a query parameter not in ``allowed``; with ``each_once``, also for one given twice."""
    args = g.xreq.args
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise ApiError(400, f"unknown parameter(s) for {g.xreq.method}: {', '.join(unknown)}")
    if each_once:
        for key in args:
            if len(args.getlist(key)) > 1:
                raise ApiError(400, f"the parameter {key} is given more than once")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _loads(data: bytes) -> Any:
    try:
        return bounded_json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, f"the body is not valid JSON: {error}") from None


def statement_body() -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """The statement(s) sent, and attachment data by SHA-2 (multipart/mixed)."""
    xreq = g.xreq
    if xreq.mimetype == "multipart/mixed":
        boundary = parse_options_header(xreq.content_type)[1].get("boundary", "")
        try:
            parts = attachments.parse_multipart(xreq.body, boundary)
            first, rest = parts[0], parts[1:]
            if parse_options_header(first.content_type)[0].lower() != "application/json":
                raise attachments.AttachmentError("the first part must be application/json")
            data = attachments.hash_parts(rest)
        except attachments.AttachmentError as error:
            raise ApiError(400, str(error)) from None
        return _loads(first.content), data
    if xreq.mimetype != "application/json":
        raise ApiError(400, "the body must be application/json (or multipart/mixed)")
    return _loads(xreq.body), {}


def _required(params: Mapping[str, str], key: str) -> str:
    value = params.get(key)
    if value is None:
        raise ApiError(400, f"the {key} parameter is required")
    return value


def required_iri(params: Mapping[str, str], key: str) -> str:
    value = _required(params, key)
    if not IRI.match(value):
        raise ApiError(400, f"{key} must be an IRI")
    return value


def agent_object(params: Mapping[str, str], key: str = "agent") -> dict:
    text = _required(params, key)
    try:
        agent = bounded_json.loads(text)
    except ValueError:
        raise ApiError(400, f"{key} must be a JSON Agent") from None
    found = agent_problems(agent, key)
    if found:
        raise ApiError(400, "; ".join(found))
    return agent


def agent_param(params: Mapping[str, str]) -> str:
    key = tables.agent_key(agent_object(params))
    if key is None:
        raise ApiError(400, "agent must be an Agent or an identified Group")
    return key


def registration_param(params: Mapping[str, str]) -> str:
    value = params.get("registration")
    if value is None:
        return ""
    if not UUID.match(value):
        raise ApiError(400, "registration must be a UUID")
    return value.lower()


def etags(value: str) -> set[str]:
    tags = set()
    for item in value.split(","):
        item = item.strip()
        if item.startswith("W/"):
            item = item[2:]
        tags.add(item.strip('"'))
    return tags


def boolean(params: Mapping[str, str], key: str) -> bool:
    value = params.get(key, "false")
    if value not in ("true", "false"):
        raise ApiError(400, f"{key} must be true or false")
    return value == "true"


def format_param(params: Mapping[str, str]) -> str:
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise ApiError(400, f"format must be one of {', '.join(FORMATS)}")
    return value


def parse_time(value: str, key: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"{key} must be an ISO 8601 timestamp") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iri(params: Mapping[str, str], key: str) -> str | None:
    value = params.get(key)
    if value is not None and not IRI.match(value):
        raise ApiError(400, f"{key} must be an IRI")
    return value


def statement_filters(params: Mapping[str, str]) -> dict[str, Any]:
    filters: dict[str, Any] = {
        "verb": _iri(params, "verb"),
        "activity": _iri(params, "activity"),
        "related_activities": boolean(params, "related_activities"),
        "related_agents": boolean(params, "related_agents"),
        "ascending": boolean(params, "ascending"),
    }
    format_param(params)
    boolean(params, "attachments")
    if "agent" in params:
        agent = agent_object(params)
        if tables.agent_key(agent) is None:
            raise ApiError(400, "agent must be an Agent or an identified Group")
        filters["agent"] = agent
    if "registration" in params:
        if not UUID.match(params["registration"]):
            raise ApiError(400, "registration must be a UUID")
        filters["registration"] = params["registration"]
    for key in ("since", "until"):
        if key in params:
            filters[key] = parse_time(params[key], key)
    if "limit" in params:
        if not params["limit"].isdigit():
            raise ApiError(400, "limit must be a whole number, 0 or more")
        filters["limit"] = int(params["limit"])
    return filters


def make_more(params: Mapping[str, str], cursor: str) -> str:
    token = json.dumps({"p": {key: params[key] for key in FILTERS if key in params}, "a": cursor})
    return base64.urlsafe_b64encode(token.encode("utf-8")).decode("ascii").rstrip("=")


def read_more(token: str) -> tuple[dict[str, str], str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = bounded_json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        params, cursor = data["p"], data["a"]
        queries.parse_cursor(cursor)
        if not isinstance(params, dict) or set(params) - set(FILTERS):
            raise ValueError
        if not all(isinstance(value, str) for value in params.values()):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        raise ApiError(400, "more is not a link this LRS gave") from None
    return params, cursor
