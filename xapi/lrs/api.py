"""The xAPI HTTP interface of the built-in LRS: a Flask blueprint (``create_blueprint``) serving, under
``/xapi``, the About, Statement, State, Activity Profile, Agent Profile, Activities and Agents
resources.

It depends on nothing of the application around it: it is given a function returning the SQLAlchemy
session, the public address (the ``homePage`` of the authority it writes), and optionally how to
check credentials and how to mark its views. It runs its own transaction: a request answered with
200 or 204 is committed.

Every request but ``GET /xapi/about`` needs ``X-Experience-API-Version`` (1.0.x or 2.0.x) and HTTP
Basic credentials; every answer carries the version header (2.0.0 to a 2.0 client, else 1.0.3; to a
request that names no version, the version its key last spoke), and the version decides the few
rules that differ: a 1.0 client may use the alternate request syntax
(``POST ?method=PUT`` with a form body) and may overwrite State documents without an ETag. Errors
are JSON with a ``message``, with the status codes the specification names.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, request, url_for
from sqlalchemy.orm import Session
from werkzeug.datastructures import Authorization, Headers, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_options_header

from xapi.db import utcnow
from xapi.lrs import attachments, credentials, documents, queries, store, tables
from xapi.validation import IRI, UUID, VERSION, agent_problems

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
ALTERNATE_HEADERS = {
    "authorization", "x-experience-api-version", "content-type", "content-length", "if-match",
    "if-none-match",
}  # fmt: skip
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"]


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


@dataclass(frozen=True)
class Client:
    """Who sent a request: the name of its key, and the xAPI version ("1.0.3" or "2.0.0") that key
    last spoke, if known."""

    name: str
    version: str | None = None


def _key_client(session: Session, key: str, secret: str, version: str | None) -> Client | None:
    found = credentials.check(session, key, secret, version=version)
    return Client(found.name, found.last_version) if found else None


def create_blueprint(
    session: Callable[[], Session],
    *,
    home_page: Callable[[], str],
    authenticate: Callable[[Session, str, str, str | None], Client | None] = _key_client,
    view_decorator: Callable[[Callable], Callable] = lambda view: view,
    max_body: int = MAX_BODY,
    now: Callable[[], datetime] = utcnow,
    name: str = "xapi_lrs",
    url_prefix: str = "/xapi",
    unversioned_reply: Callable[[], str] = lambda: "2.0.0",
) -> Blueprint:
    """The LRS blueprint.

    A request without a supported ``X-Experience-API-Version`` (About, and the 400 refusals) is
    answered in the version its key last spoke: xAPI 1.0.3 asks for "1.0.3" there and xAPI 2.0 for
    "2.0.0", and the client's earlier requests say which of the two it follows. Without a valid key
    or a version spoken before, ``unversioned_reply()`` decides (the newest version this LRS speaks
    unless the host says otherwise).

    ``session()`` gives the session to work in; ``home_page()`` the address the authority's account
    lives at; ``authenticate(session, key, secret, version)`` the ``Client``, or None to refuse (by
    default the keys of ``xapi.lrs.credentials``; ``version`` is the one this request speaks, to
    remember, or None); ``view_decorator`` wraps every view (e.g. to mark its access rule in the
    host application).
    """
    bp = Blueprint(name, __name__, url_prefix=url_prefix)

    @bp.before_request
    def _check_request():
        g.xapi_version = request.headers.get(VERSION_HEADER, "").strip()
        request.max_content_length = max_body
        if request.content_length is not None and request.content_length > max_body:
            raise ApiError(413, f"the request is larger than {max_body} bytes")
        if request.endpoint == f"{name}.about":
            if request.method not in ("GET", "HEAD"):
                raise ApiError(405, "the About resource only answers GET")
            if not VERSION.match(g.xapi_version):
                g.xapi_reply = _spoken_before(request.authorization)
            return None
        g.xreq = _read_request()
        g.xapi_version = g.xreq.headers.get(VERSION_HEADER, "").strip()
        auth = _authorization(g.xreq)
        if not VERSION.match(g.xapi_version):
            g.xapi_reply = _spoken_before(auth)
            if not g.xapi_version:
                raise ApiError(400, f"the {VERSION_HEADER} header is required")
            raise ApiError(400, f"{VERSION_HEADER} {g.xapi_version!r} is not supported (1.0.x, 2.0.x)")
        if g.xreq.alternate and _is_2_0():
            raise ApiError(400, "xAPI 2.0 has no alternate request syntax (method parameter)")
        client = _client(auth, _reply_version())
        if client is None:
            raise ApiError(
                401, "valid credentials are required", {"WWW-Authenticate": 'Basic realm="xAPI"'}
            )
        g.xapi_client = client.name
        return None

    def _client(auth: Authorization | None, version: str | None) -> Client | None:
        if auth is None or auth.type != "basic" or not auth.username or not auth.password:
            return None
        return authenticate(session(), auth.username, auth.password, version)

    def _spoken_before(auth: Authorization | None) -> str | None:
        """The version the request's key last spoke, for a request that names none."""
        client = _client(auth, None)
        return client.version if client else None

    @bp.after_request
    def _version_header(response: Response) -> Response:
        asked = getattr(g, "xapi_version", "")
        if VERSION.match(asked):
            response.headers[VERSION_HEADER] = _reply_version()
        else:
            response.headers[VERSION_HEADER] = g.get("xapi_reply") or unversioned_reply()
        if request.endpoint == f"{name}.statements" and CONSISTENT_THROUGH not in response.headers:
            response.headers[CONSISTENT_THROUGH] = _iso(now())
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
        return _json({"version": SUPPORTED_VERSIONS, "extensions": {}})

    # Statements ---------------------------------------------------------------------------------

    def statements():
        method = g.xreq.method
        if method == "POST":
            return _post()
        if method == "PUT":
            return _put()
        if method in ("GET", "HEAD"):
            return _get()
        raise ApiError(405, f"the Statement resource does not answer {method}")

    def _authority() -> dict:
        return {
            "objectType": "Agent",
            "account": {"homePage": home_page(), "name": g.xapi_client},
        }

    def _store(batch: list[dict], data: dict[str, tuple[str, bytes]]) -> list[str]:
        db = session()
        try:
            attachments.check_batch(batch, data)
            ids = store.store_statements(
                db,
                batch,
                authority=_authority(),
                now=now(),
                version="2.0.0" if _is_2_0() else store.DEFAULT_VERSION,
            )
        except (store.StatementRejected, attachments.AttachmentError) as error:
            raise ApiError(400, str(error)) from None
        except store.StatementConflict as error:
            raise ApiError(409, str(error)) from None
        store.save_attachments(db, data)
        db.commit()
        return ids

    def _post():
        _only_params(set())
        body, data = _statement_body()
        batch = body if isinstance(body, list) else [body]
        return _json(_store(batch, data))

    def _put():
        _only_params({"statementId"})
        statement_id = g.xreq.args.get("statementId", "")
        if not UUID.match(statement_id):
            raise ApiError(400, "PUT needs the statementId parameter (a UUID)")
        body, data = _statement_body()
        if not isinstance(body, dict):
            raise ApiError(400, "PUT takes one statement (a JSON object)")
        if "id" in body and str(body["id"]).lower() != statement_id.lower():
            raise ApiError(400, "the statement's id differs from the statementId parameter")
        body = {**body, "id": statement_id}
        _store([body], data)
        return Response(status=204)

    def _get():
        args = g.xreq.args
        unknown = sorted(set(args) - GET_PARAMS)
        if unknown:
            raise ApiError(400, f"unknown parameter(s): {', '.join(unknown)}")
        for key in args:
            if len(args.getlist(key)) > 1:
                raise ApiError(400, f"the parameter {key} is given more than once")
        consistent = _iso(now())
        if "statementId" in args or "voidedStatementId" in args:
            return _get_one(args, consistent)
        after = None
        params: Mapping[str, str] = args
        if "more" in args:
            if len(args) > 1:
                raise ApiError(400, "more takes no other parameters")
            params, after = _read_more(args["more"])
        filters = _filters(params)
        try:
            found, cursor = queries.query_statements(session(), **filters, after=after)
        except ValueError as error:
            raise ApiError(400, str(error)) from None
        found = [_formatted(statement, params) for statement in found]
        more = url_for(f"{name}.statements", more=_make_more(params, cursor)) if cursor else ""
        response = _statements_response({"statements": found, "more": more}, found, params)
        response.headers[CONSISTENT_THROUGH] = consistent
        return response

    def _statements_response(body: Any, found: list[dict], params: Mapping[str, str]) -> Response:
        if not _boolean(params, "attachments"):
            return _json(body)
        wanted = [
            str(item.get("sha2", "")).lower()
            for statement in found
            for item in attachments.declared(statement)
        ]
        data = queries.get_attachments(session(), wanted)
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        payload, boundary = attachments.build_multipart(
            content, [(sha2, kind, blob) for sha2, (kind, blob) in data.items()]
        )
        return current_app.response_class(
            payload, status=200, content_type=f'multipart/mixed; boundary="{boundary}"'
        )

    def _get_one(args: Mapping[str, str], consistent: str):
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
        found = queries.get_statement(session(), statement_id, voided=voided)
        if found is None:
            raise ApiError(404, f"no {'voided ' if voided else ''}statement {statement_id}")
        found = _formatted(found, args)
        response = _statements_response(found, [found], args)
        response.headers[CONSISTENT_THROUGH] = consistent
        stored = _parse_time(found["stored"], "stored")
        response.headers["Last-Modified"] = _http_date(stored)
        return response

    # Documents ----------------------------------------------------------------------------------

    def state():
        return _document_resource(documents.STATE)

    def activity_profile():
        return _document_resource(documents.ACTIVITY_PROFILE)

    def agent_profile():
        return _document_resource(documents.AGENT_PROFILE)

    def _document_resource(kind: str):
        method = g.xreq.method
        args = g.xreq.args
        id_param = "stateId" if kind == documents.STATE else "profileId"
        allowed = {id_param, "since"}
        if kind in (documents.STATE, documents.ACTIVITY_PROFILE):
            allowed.add("activityId")
        if kind in (documents.STATE, documents.AGENT_PROFILE):
            allowed.add("agent")
        if kind == documents.STATE:
            allowed.add("registration")
        unknown = sorted(set(args) - allowed)
        if unknown:
            raise ApiError(400, f"unknown parameter(s): {', '.join(unknown)}")
        for key in args:
            if len(args.getlist(key)) > 1:
                raise ApiError(400, f"the parameter {key} is given more than once")
        place = documents.Place(
            kind,
            activity_key=tables.iri_key(_required_iri(args, "activityId"))
            if "activityId" in allowed
            else "",
            agent_key=_agent_param(args) if "agent" in allowed else "",
            registration=_registration(args) if kind == documents.STATE else "",
        )
        document_id = args.get(id_param)
        if document_id is not None and not document_id:
            raise ApiError(400, f"{id_param} must not be empty")
        if "since" in args and (method not in ("GET", "HEAD") or document_id is not None):
            raise ApiError(400, "since is only for listing ids (GET without " + id_param + ")")
        db = session()
        if method in ("GET", "HEAD"):
            if document_id is None:
                since = _parse_time(args["since"], "since") if "since" in args else None
                response = _json(documents.ids(db, place, since))
                latest = documents.last_updated(db, place, since)
                if latest is not None:
                    response.headers["Last-Modified"] = _http_date(latest)
                return response
            found = documents.get(db, place, document_id)
            if found is None:
                raise ApiError(404, f"no document {document_id}")
            response = current_app.response_class(found.content, status=200)
            response.headers["Content-Type"] = found.content_type
            response.headers["ETag"] = f'"{found.etag}"'
            response.headers["Last-Modified"] = _http_date(found.updated)
            return response
        if method == "DELETE":
            if document_id is None:
                if kind != documents.STATE:
                    raise ApiError(400, f"DELETE needs {id_param}")
                documents.delete(db, place)
            else:
                existing = documents.get(db, place, document_id)
                _preconditions(existing, require=False)
                if existing is not None:
                    documents.delete(db, place, document_id)
            db.commit()
            return Response(status=204)
        if method not in ("PUT", "POST"):
            raise ApiError(405, f"a document resource does not answer {method}")
        if document_id is None:
            raise ApiError(400, f"{method} needs {id_param}")
        content = g.xreq.body
        content_type = g.xreq.content_type or "application/octet-stream"
        if documents.is_json(content_type):
            try:
                json.loads(content)
            except (ValueError, UnicodeDecodeError):
                raise ApiError(400, "the document is not valid JSON") from None
        existing = documents.get(db, place, document_id)
        strict = kind != documents.STATE or _is_2_0()
        _preconditions(existing, require=method == "PUT" and strict)
        try:
            if method == "PUT":
                etag = documents.put(db, place, document_id, content, content_type, now())
            else:
                etag = documents.merge(db, place, document_id, content, content_type, now(), existing)
        except documents.NotJsonDocument as error:
            raise ApiError(400, str(error)) from None
        db.commit()
        return Response(status=204, headers={"ETag": f'"{etag}"'})

    def _preconditions(existing: documents.Document | None, *, require: bool) -> None:
        """If-Match and If-None-Match (RFC 7232); with ``require``, one of them must be given when
        the document exists (409 otherwise)."""
        headers = g.xreq.headers
        if_match = headers.get("If-Match")
        if_none_match = headers.get("If-None-Match")
        if if_match is not None:
            tags = _etags(if_match)
            if existing is None or ("*" not in tags and existing.etag not in tags):
                raise ApiError(412, "If-Match does not match the document's ETag")
        if if_none_match is not None:
            tags = _etags(if_none_match)
            if existing is not None and ("*" in tags or existing.etag in tags):
                raise ApiError(412, "If-None-Match: the document exists")
        if require and if_match is None and if_none_match is None:
            if existing is not None:
                raise ApiError(
                    409,
                    "the document exists: send If-Match with its ETag to replace it "
                    "(or If-None-Match: * to create it only if it does not exist)",
                )
            if not _is_2_0():
                raise ApiError(
                    400,
                    "xAPI 1.0.3: PUT of a profile needs If-Match or If-None-Match "
                    "(If-None-Match: * to create it)",
                )

    # Activities and agents ----------------------------------------------------------------------

    def activities():
        if g.xreq.method not in ("GET", "HEAD"):
            raise ApiError(405, "the Activities resource only answers GET")
        args = g.xreq.args
        unknown = sorted(set(args) - {"activityId"})
        if unknown:
            raise ApiError(400, f"unknown parameter(s): {', '.join(unknown)}")
        activity_id = _required_iri(args, "activityId")
        found = queries.get_activity(session(), activity_id)
        if found is None:
            found = {"objectType": "Activity", "id": activity_id}
        return _json(found)

    def agents():
        if g.xreq.method not in ("GET", "HEAD"):
            raise ApiError(405, "the Agents resource only answers GET")
        args = g.xreq.args
        unknown = sorted(set(args) - {"agent"})
        if unknown:
            raise ApiError(400, f"unknown parameter(s): {', '.join(unknown)}")
        agent = _agent_object(args)
        person: dict[str, Any] = {"objectType": "Person"}
        if isinstance(agent.get("name"), str):
            person["name"] = [agent["name"]]
        for key in ("mbox", "mbox_sha1sum", "openid", "account"):
            if key in agent:
                person[key] = [agent[key]]
        return _json(person)

    for rule, view in (
        ("/about", about),
        ("/statements", statements),
        ("/activities/state", state),
        ("/activities/profile", activity_profile),
        ("/agents/profile", agent_profile),
        ("/activities", activities),
        ("/agents", agents),
    ):
        bp.add_url_rule(rule, view.__name__, view_decorator(view), methods=METHODS)
    return bp


def _is_2_0() -> bool:
    return getattr(g, "xapi_version", "").startswith("2.0")


def _reply_version() -> str:
    """The version header of the answer to a request naming a supported version."""
    return "2.0.0" if _is_2_0() else "1.0.3"


def _authorization(xreq: XRequest) -> Authorization | None:
    """The request's credentials (with the alternate request syntax, maybe from its form)."""
    if xreq.alternate and "Authorization" in xreq.headers:
        return Authorization.from_header(xreq.headers["Authorization"])
    return request.authorization


# Requests ---------------------------------------------------------------------------------------


def _read_request() -> XRequest:
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


def _only_params(allowed: set[str]) -> None:
    unknown = sorted(set(g.xreq.args) - allowed)
    if unknown:
        raise ApiError(400, f"unknown parameter(s) for {g.xreq.method}: {', '.join(unknown)}")


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, f"the body is not valid JSON: {error}") from None


def _statement_body() -> tuple[Any, dict[str, tuple[str, bytes]]]:
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


def _required_iri(params: Mapping[str, str], key: str) -> str:
    value = _required(params, key)
    if not IRI.match(value):
        raise ApiError(400, f"{key} must be an IRI")
    return value


def _agent_object(params: Mapping[str, str], key: str = "agent") -> dict:
    text = _required(params, key)
    try:
        agent = json.loads(text)
    except ValueError:
        raise ApiError(400, f"{key} must be a JSON Agent") from None
    found = agent_problems(agent, key)
    if found:
        raise ApiError(400, "; ".join(found))
    return agent


def _agent_param(params: Mapping[str, str]) -> str:
    key = tables.agent_key(_agent_object(params))
    if key is None:
        raise ApiError(400, "agent must be an Agent or an identified Group")
    return key


def _registration(params: Mapping[str, str]) -> str:
    value = params.get("registration")
    if value is None:
        return ""
    if not UUID.match(value):
        raise ApiError(400, "registration must be a UUID")
    return value.lower()


def _etags(value: str) -> set[str]:
    tags = set()
    for item in value.split(","):
        item = item.strip()
        if item.startswith("W/"):
            item = item[2:]
        tags.add(item.strip('"'))
    return tags


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
        agent = _agent_object(params)
        if tables.agent_key(agent) is None:
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
        queries.parse_cursor(cursor)
        if not isinstance(params, dict) or set(params) - set(FILTERS):
            raise ValueError
        if not all(isinstance(value, str) for value in params.values()):
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        raise ApiError(400, "more is not a link this LRS gave") from None
    return params, cursor


# Responses ----------------------------------------------------------------------------------------


def _http_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def _formatted(statement: dict, params: Mapping[str, str]) -> dict:
    kind = _format(params)
    if kind == "ids":
        return _ids_format(statement)
    if kind == "canonical":
        return _canonical_format(statement, _accepted_languages())
    return statement


def _accepted_languages() -> list[str]:
    header = g.xreq.headers.get("Accept-Language", "")
    ranked = []
    for number, item in enumerate(header.split(",")):
        tag, _, quality = item.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        if tag.strip():
            ranked.append((-weight, number, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


LANGUAGE_MAP_KEYS = {"display", "name", "description"}


def _pick_language(value: dict, languages: list[str]) -> dict:
    if not value:
        return value
    lowered = {tag.lower(): tag for tag in value}
    for wanted in languages:
        if wanted == "*":
            break
        if wanted in lowered:
            return {lowered[wanted]: value[lowered[wanted]]}
        for tag in value:
            if tag.lower().split("-")[0] == wanted.split("-")[0]:
                return {tag: value[tag]}
    first = next(iter(value))
    return {first: value[first]}


def _canonical_format(value: Any, languages: list[str], parent: str = "") -> Any:
    """The ``canonical`` format: every language map reduced to the one language the client
    prefers (Accept-Language), or the first there is."""
    if isinstance(value, list):
        return [_canonical_format(item, languages, parent) for item in value]
    if not isinstance(value, dict):
        return value
    if parent in LANGUAGE_MAP_KEYS and all(isinstance(text, str) for text in value.values()):
        return _pick_language(value, languages)
    if parent == "extensions":
        return value
    return {key: _canonical_format(item, languages, key) for key, item in value.items()}


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
            result["object"] = {"id": target["id"]}
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
                kind: [{"id": activity["id"]} for activity in activities]
                for kind, activities in context["contextActivities"].items()
            }
        result["context"] = context
    return result
