"""The xAPI HTTP interface of the built-in LRS: a Flask blueprint (``create_blueprint``) serving the
About and Statement resources under ``/xapi``.

It depends on nothing of the application around it: it is given a function returning the SQLAlchemy
session, the public address (the ``homePage`` of the authority it writes), and optionally how to
check credentials and how to mark its views. It runs its own transaction: a statement answered with
200 or 204 is committed.

Every request but ``GET /xapi/about`` needs ``X-Experience-API-Version`` (1.0.x or 2.0.x) and HTTP
Basic credentials; every answer carries the version header. Errors are JSON with a ``message``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, request, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from xapi.db import utcnow
from xapi.lrs import credentials, store
from xapi.validation import IRI, UUID, VERSION

MAX_BODY = 10 * 1024 * 1024
SUPPORTED_VERSIONS = ["1.0.3", "2.0.0"]
VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
FILTERS = (
    "agent", "verb", "activity", "registration", "related_activities", "related_agents", "since",
    "until", "limit", "format", "attachments", "ascending",
)  # fmt: skip
GET_PARAMS = {"statementId", "voidedStatementId", "more", *FILTERS}
SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
FORMATS = ("exact", "ids", "canonical")


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        super().__init__(message)


def _key_name(session: Session, key: str, secret: str) -> str | None:
    found = credentials.check(session, key, secret)
    return found.name if found else None


def create_blueprint(
    session: Callable[[], Session],
    *,
    home_page: Callable[[], str],
    authenticate: Callable[[Session, str, str], str | None] = _key_name,
    view_decorator: Callable[[Callable], Callable] = lambda view: view,
    max_body: int = MAX_BODY,
    now: Callable[[], datetime] = utcnow,
    name: str = "xapi_lrs",
    url_prefix: str = "/xapi",
) -> Blueprint:
    """The LRS blueprint.

    ``session()`` gives the session to work in; ``home_page()`` the address the authority's account
    lives at; ``authenticate(session, key, secret)`` the name of the client, or None to refuse (by
    default the keys of ``xapi.lrs.credentials``); ``view_decorator`` wraps every view (e.g. to mark
    its access rule in the host application).
    """
    bp = Blueprint(name, __name__, url_prefix=url_prefix)

    @bp.before_request
    def _check_request():
        g.xapi_version = request.headers.get(VERSION_HEADER, "").strip()
        request.max_content_length = max_body
        if request.content_length is not None and request.content_length > max_body:
            raise ApiError(413, f"the request is larger than {max_body} bytes")
        if request.endpoint == f"{name}.about":
            return None
        if not g.xapi_version:
            raise ApiError(400, f"the {VERSION_HEADER} header is required")
        if not VERSION.match(g.xapi_version):
            raise ApiError(400, f"{VERSION_HEADER} {g.xapi_version!r} is not supported (1.0.x, 2.0.x)")
        auth = request.authorization
        client = None
        if auth is not None and auth.type == "basic" and auth.username and auth.password:
            client = authenticate(session(), auth.username, auth.password)
        if client is None:
            raise ApiError(
                401, "valid credentials are required", {"WWW-Authenticate": 'Basic realm="xAPI"'}
            )
        g.xapi_client = client
        return None

    @bp.after_request
    def _version_header(response: Response) -> Response:
        asked = getattr(g, "xapi_version", "")
        response.headers[VERSION_HEADER] = "2.0.0" if asked.startswith("2.0") else "1.0.3"
        return response

    @bp.errorhandler(ApiError)
    def _api_error(error: ApiError):
        session().rollback()
        return _error(error.status, error.message, error.headers)

    @bp.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        session().rollback()
        return _error(error.code or 500, error.description or error.name)

    def about():
        return _json({"version": SUPPORTED_VERSIONS})

    def statements():
        if request.method == "POST":
            return _post()
        if request.method == "PUT":
            return _put()
        return _get()

    def _authority() -> dict:
        return {
            "objectType": "Agent",
            "account": {"homePage": home_page(), "name": g.xapi_client},
        }

    def _store(batch: list[dict]) -> list[str]:
        db = session()
        try:
            ids = store.store_statements(db, batch, authority=_authority(), now=now())
        except store.StatementRejected as error:
            raise ApiError(400, str(error)) from None
        except store.StatementConflict as error:
            raise ApiError(409, str(error)) from None
        db.commit()
        return ids

    def _post():
        _only_params(set())
        body = _json_body()
        batch = body if isinstance(body, list) else [body]
        _refuse_attachment_data(batch)
        return _json(_store(batch))

    def _put():
        _only_params({"statementId"})
        statement_id = request.args.get("statementId", "")
        if not UUID.match(statement_id):
            raise ApiError(400, "PUT needs the statementId parameter (a UUID)")
        body = _json_body()
        if not isinstance(body, dict):
            raise ApiError(400, "PUT takes one statement (a JSON object)")
        if "id" in body and str(body["id"]).lower() != statement_id.lower():
            raise ApiError(400, "the statement's id differs from the statementId parameter")
        body = {**body, "id": statement_id}
        _refuse_attachment_data([body])
        _store([body])
        return Response(status=204)

    def _get():
        args = request.args
        unknown = sorted(set(args) - GET_PARAMS)
        if unknown:
            raise ApiError(400, f"unknown parameter(s): {', '.join(unknown)}")
        for key in args:
            if len(args.getlist(key)) > 1:
                raise ApiError(400, f"the parameter {key} is given more than once")
        if "statementId" in args or "voidedStatementId" in args:
            return _get_one(args)
        after = None
        params: Mapping[str, str] = args
        if "more" in args:
            if len(args) > 1:
                raise ApiError(400, "more takes no other parameters")
            params, after = _read_more(args["more"])
        found, cursor = store.query_statements(session(), **_filters(params), after=after)
        if params.get("format") == "ids":
            found = [_ids_format(statement) for statement in found]
        more = url_for(f"{name}.statements", more=_make_more(params, cursor)) if cursor else ""
        response = _json({"statements": found, "more": more})
        response.headers[CONSISTENT_THROUGH] = _iso(now())
        return response

    def _get_one(args: Mapping[str, str]):
        if "statementId" in args and "voidedStatementId" in args:
            raise ApiError(400, "give statementId or voidedStatementId, not both")
        others = sorted(set(args) - SINGLE_PARAMS)
        if others:
            raise ApiError(400, f"statementId cannot be combined with {', '.join(others)}")
        voided = "voidedStatementId" in args
        statement_id = args["voidedStatementId" if voided else "statementId"]
        if not UUID.match(statement_id):
            raise ApiError(400, "the statement id must be a UUID")
        _format(args)
        _boolean(args, "attachments")
        found = store.get_statement(session(), statement_id, voided=voided)
        if found is None:
            raise ApiError(404, f"no {'voided ' if voided else ''}statement {statement_id}")
        if args.get("format") == "ids":
            found = _ids_format(found)
        response = _json(found)
        response.headers[CONSISTENT_THROUGH] = _iso(now())
        stored = _parse_time(found["stored"], "stored")
        response.headers["Last-Modified"] = stored.strftime("%a, %d %b %Y %H:%M:%S GMT")
        return response

    for rule, view, methods in (
        ("/about", about, ["GET"]),
        ("/statements", statements, ["GET", "POST", "PUT"]),
    ):
        bp.add_url_rule(rule, view.__name__, view_decorator(view), methods=methods)
    return bp


# Requests ---------------------------------------------------------------------------------------


def _only_params(allowed: set[str]) -> None:
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        raise ApiError(400, f"unknown parameter(s) for {request.method}: {', '.join(unknown)}")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _json_body() -> Any:
    if request.mimetype == "multipart/mixed":
        raise ApiError(400, "statements with attachment data (multipart/mixed) are not accepted yet")
    if request.mimetype != "application/json":
        raise ApiError(400, "the body must be application/json")
    data = request.get_data(cache=False)
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, f"the body is not valid JSON: {error}") from None


def _refuse_attachment_data(batch: list[Any]) -> None:
    for index, statement in enumerate(batch):
        attachments = statement.get("attachments") if isinstance(statement, dict) else None
        if not isinstance(attachments, list):
            continue
        for number, attachment in enumerate(attachments):
            if isinstance(attachment, dict) and "fileUrl" not in attachment:
                raise ApiError(
                    400,
                    f"statement {index}: attachment {number} has no fileUrl and its data was not "
                    "sent (this LRS does not take attachment data yet)",
                )


def _boolean(params: Mapping[str, str], key: str) -> bool:
    value = params.get(key, "false")
    if value not in ("true", "false"):
        raise ApiError(400, f"{key} must be true or false")
    return value == "true"


def _format(params: Mapping[str, str]) -> str:
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise ApiError(400, f"format must be one of {', '.join(FORMATS)}")
    return value


def _parse_time(value: str, key: str) -> datetime:
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


def _filters(params: Mapping[str, str]) -> dict[str, Any]:
    filters: dict[str, Any] = {
        "verb": _iri(params, "verb"),
        "activity": _iri(params, "activity"),
        "related_activities": _boolean(params, "related_activities"),
        "related_agents": _boolean(params, "related_agents"),
        "ascending": _boolean(params, "ascending"),
    }
    _format(params)
    _boolean(params, "attachments")
    if "agent" in params:
        try:
            agent = json.loads(params["agent"])
        except ValueError:
            raise ApiError(400, "agent must be a JSON Agent or Group") from None
        if store.agent_key(agent) is None:
            raise ApiError(400, "agent must be an Agent or an identified Group")
        filters["agent"] = agent
    if "registration" in params:
        if not UUID.match(params["registration"]):
            raise ApiError(400, "registration must be a UUID")
        filters["registration"] = params["registration"]
    for key in ("since", "until"):
        if key in params:
            filters[key] = _parse_time(params[key], key)
    if "limit" in params:
        if not params["limit"].isdigit():
            raise ApiError(400, "limit must be a whole number, 0 or more")
        filters["limit"] = int(params["limit"])
    return filters


def _make_more(params: Mapping[str, str], cursor: str) -> str:
    token = json.dumps({"p": {key: params[key] for key in FILTERS if key in params}, "a": cursor})
    return base64.urlsafe_b64encode(token.encode("utf-8")).decode("ascii").rstrip("=")


def _read_more(token: str) -> tuple[dict[str, str], str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        params, cursor = data["p"], data["a"]
        store.parse_cursor(cursor)
        if not isinstance(params, dict) or set(params) - set(FILTERS):
            raise ValueError
        if not all(isinstance(value, str) for value in params.values()):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        raise ApiError(400, "more is not a link this LRS gave") from None
    return params, cursor


# Responses ----------------------------------------------------------------------------------------


def _json(body: Any, status: int = 200) -> Response:
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        mimetype="application/json",
    )


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    response = _json({"error": status, "message": message}, status)
    response.headers.update(headers or {})
    return response


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ids_agent(agent: Any) -> Any:
    if not isinstance(agent, dict):
        return agent
    kept = {
        key: agent[key]
        for key in ("objectType", "mbox", "mbox_sha1sum", "openid", "account")
        if key in agent
    }
    if agent.get("objectType") == "Group" and "member" in agent:
        kept["member"] = [_ids_agent(member) for member in agent["member"]]
    return kept


def _ids_format(statement: dict) -> dict:
    """The ``ids`` format: agents, groups, activities and verbs by their identifiers only."""
    result = dict(statement)
    for key in ("actor", "authority"):
        if key in result:
            result[key] = _ids_agent(result[key])
    if "verb" in result:
        result["verb"] = {"id": result["verb"]["id"]}
    target = result.get("object")
    if isinstance(target, dict):
        kind = target.get("objectType", "Activity")
        if kind == "Activity":
            result["object"] = {"objectType": "Activity", "id": target["id"]}
        elif kind in ("Agent", "Group"):
            result["object"] = _ids_agent(target)
        elif kind == "SubStatement":
            result["object"] = _ids_format(target)
    if isinstance(result.get("context"), dict):
        context = dict(result["context"])
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _ids_agent(context[key])
        if isinstance(context.get("contextActivities"), dict):
            context["contextActivities"] = {
                kind: [{"objectType": "Activity", "id": activity["id"]} for activity in activities]
                for kind, activities in context["contextActivities"].items()
            }
        result["context"] = context
    return result
