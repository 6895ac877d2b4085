"""The xAPI HTTP interface of the built-in LRS: a Flask blueprint (``create_blueprint``) serving, under
``/xapi``, the About, Statement, State, Activity Profile, Agent Profile, Activities and Agents
resources.

It depends on nothing of the application around it: it is given a function returning the SQLAlchemy
session, the public address (the ``homePage`` of the authority it writes), and optionally how to
check credentials and how to mark its views. It runs its own transaction: a request answered with
200 or 204 is committed. Requests are read by ``xapi.lrs.parameters``, answers made by
``xapi.lrs.formats``.

Every request but ``GET /xapi/about`` needs ``X-Experience-API-Version`` (1.0.x or 2.0.x) and HTTP
Basic credentials; every answer carries the version header (2.0.0 to a 2.0 client, else 1.0.3; to a
request that names no version, the version its key last spoke), and the version decides the few
rules that differ: a 1.0 client may use the alternate request syntax
(``POST ?method=PUT`` with a form body) and may overwrite State documents without an ETag. Errors
are JSON with a ``message``, with the status codes the specification names.

What a key may do follows its scopes (``xapi.lrs.credentials.SCOPES``); a request its key's scopes
do not cover is answered 403.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.datastructures import Authorization
from werkzeug.exceptions import HTTPException

from xapi import bounded_json
from xapi.db import RETRY_AFTER_SECONDS, database_unavailable, utcnow
from xapi.lrs import attachments, credentials, documents, queries, store, tables
from xapi.lrs.formats import error_response, formatted, http_date, iso, json_response
from xapi.lrs.parameters import (
    FILTERS,
    ApiError,
    agent_object,
    agent_param,
    authorization,
    boolean,
    etags,
    format_param,
    is_2_0,
    make_more,
    only_params,
    parse_time,
    read_more,
    read_request,
    registration_param,
    reply_version,
    required_iri,
    statement_body,
    statement_filters,
)
from xapi.validation import UUID, VERSION

MAX_BODY = 10 * 1024 * 1024
SUPPORTED_VERSIONS = ["1.0.3", "2.0.0"]
VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
GET_PARAMS = {"statementId", "voidedStatementId", "more", *FILTERS}
SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"]


WRITE_STATEMENTS = {"statements/write", credentials.ALL}
READ_EVERY_STATEMENT = {"statements/read", "all/read", credentials.ALL}
READ_MY_STATEMENTS = "statements/read/mine"
DEFINE = {"define", credentials.ALL}
DOCUMENT_SCOPE = {
    documents.STATE: "state",
    documents.ACTIVITY_PROFILE: "profile",
    documents.AGENT_PROFILE: "profile",
}


@dataclass(frozen=True)
class Client:
    """Who sent a request: the name of its key, the xAPI version ("1.0.3" or "2.0.0") that key
    last spoke, if known, the key itself (None for a client the host authenticated otherwise) and
    its scopes."""

    name: str
    version: str | None = None
    key: str | None = None
    scopes: frozenset[str] = frozenset({credentials.ALL})


def _key_client(session: Session, key: str, secret: str, version: str | None) -> Client | None:
    found = credentials.check(session, key, secret, version=version)
    if found is None:
        return None
    return Client(found.name, found.last_version, found.key, frozenset(found.scopes))


def _require(scopes: set[str], doing: str) -> None:
    """403 unless the request's key holds one of ``scopes``."""
    if not scopes & g.xapi_scopes:
        needed = " or ".join(sorted(scopes))
        raise ApiError(403, f"this key may not {doing} (it needs the scope {needed})")


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
        g.xreq = read_request()
        g.xapi_version = g.xreq.headers.get(VERSION_HEADER, "").strip()
        auth = authorization(g.xreq)
        if not VERSION.match(g.xapi_version):
            g.xapi_reply = _spoken_before(auth)
            if not g.xapi_version:
                raise ApiError(400, f"the {VERSION_HEADER} header is required")
            raise ApiError(400, f"{VERSION_HEADER} {g.xapi_version!r} is not supported (1.0.x, 2.0.x)")
        if g.xreq.alternate and is_2_0():
            raise ApiError(400, "xAPI 2.0 has no alternate request syntax (method parameter)")
        client = _client(auth, reply_version())
        if client is None:
            raise ApiError(
                401, "valid credentials are required", {"WWW-Authenticate": 'Basic realm="xAPI"'}
            )
        g.xapi_client = client.name
        g.xapi_key = client.key
        g.xapi_scopes = client.scopes
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
            response.headers[VERSION_HEADER] = reply_version()
        else:
            response.headers[VERSION_HEADER] = g.get("xapi_reply") or unversioned_reply()
        if request.endpoint == f"{name}.statements" and CONSISTENT_THROUGH not in response.headers:
            response.headers[CONSISTENT_THROUGH] = iso(now())
        return response

    @bp.errorhandler(ApiError)
    def _api_error(error: ApiError):
        session().rollback()
        return error_response(error.status, error.message, error.headers)

    @bp.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        session().rollback()
        return error_response(error.code or 500, error.description or error.name)

    @bp.errorhandler(SQLAlchemyError)
    def _database_error(error: SQLAlchemyError):
        """503 with ``Retry-After`` while the database is down or locked; any other database error
        is a bug and goes on to the application's 500."""
        session().rollback()
        if not database_unavailable(error):
            raise error
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return error_response(503, "the database is not available now; try again later", retry)

    def about():
        return json_response({"version": SUPPORTED_VERSIONS, "extensions": {}})

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
        _require(WRITE_STATEMENTS, "store statements")
        db = session()
        _check_voiding(db, batch)
        try:
            attachments.check_batch(batch, data)
            ids = store.store_statements(
                db,
                batch,
                authority=_authority(),
                now=now(),
                version="2.0.0" if is_2_0() else store.DEFAULT_VERSION,
                stored_by=g.xapi_key,
                define=bool(DEFINE & g.xapi_scopes),
            )
        except (store.StatementRejected, attachments.AttachmentError) as error:
            raise ApiError(400, str(error)) from None
        except store.StatementConflict as error:
            raise ApiError(409, str(error)) from None
        store.save_attachments(db, data)
        db.commit()
        return ids

    def _check_voiding(db: Session, batch: list) -> None:
        """A key without ``all`` voids only statements it stored (before, or in this batch)."""
        if credentials.ALL in g.xapi_scopes:
            return
        in_batch = {str(item.get("id", "")).lower() for item in batch if isinstance(item, dict)}
        targets = [
            str(item["object"].get("id", "")).lower()
            for item in batch
            if store.voids(item) and str(item["object"].get("id", "")).lower() not in in_batch
        ]
        owners = queries.keys_that_stored(db, targets) if targets else {}
        for target in targets:
            if target not in owners or owners[target] != g.xapi_key:
                raise ApiError(
                    403,
                    f"this key may only void statements it stored, and {target} is not one of "
                    "them (voiding others' statements needs the scope all)",
                )

    def _post():
        only_params(set())
        body, data = statement_body()
        batch = body if isinstance(body, list) else [body]
        return json_response(_store(batch, data))

    def _put():
        only_params({"statementId"})
        statement_id = g.xreq.args.get("statementId", "")
        if not UUID.match(statement_id):
            raise ApiError(400, "PUT needs the statementId parameter (a UUID)")
        body, data = statement_body()
        if not isinstance(body, dict):
            raise ApiError(400, "PUT takes one statement (a JSON object)")
        if "id" in body and str(body["id"]).lower() != statement_id.lower():
            raise ApiError(400, "the statement's id differs from the statementId parameter")
        body = {**body, "id": statement_id}
        _store([body], data)
        return Response(status=204)

    def _readable_by() -> object:
        """Whose statements this request may read: anyone's, or only its own key's."""
        if READ_EVERY_STATEMENT & g.xapi_scopes:
            return queries.ANYONE
        _require({*READ_EVERY_STATEMENT, READ_MY_STATEMENTS}, "read statements")
        return g.xapi_key

    def _get():
        readable_by = _readable_by()
        args = g.xreq.args
        unknown = sorted(set(args) - GET_PARAMS)
        if unknown:
            raise ApiError(400, f"unknown parameter(s): {', '.join(unknown)}")
        for key in args:
            if len(args.getlist(key)) > 1:
                raise ApiError(400, f"the parameter {key} is given more than once")
        consistent = iso(now())
        if "statementId" in args or "voidedStatementId" in args:
            return _get_one(args, consistent, readable_by)
        after = None
        params: Mapping[str, str] = args
        if "more" in args:
            if len(args) > 1:
                raise ApiError(400, "more takes no other parameters")
            params, after = read_more(args["more"])
        filters = statement_filters(params)
        try:
            found, cursor = queries.query_statements(
                session(), **filters, after=after, stored_by=readable_by
            )
        except ValueError as error:
            raise ApiError(400, str(error)) from None
        found = [formatted(statement, params) for statement in found]
        more = url_for(f"{name}.statements", more=make_more(params, cursor)) if cursor else ""
        response = _statements_response({"statements": found, "more": more}, found, params)
        response.headers[CONSISTENT_THROUGH] = consistent
        return response

    def _statements_response(body: Any, found: list[dict], params: Mapping[str, str]) -> Response:
        if not boolean(params, "attachments"):
            return json_response(body)
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

    def _get_one(args: Mapping[str, str], consistent: str, readable_by: object):
        if "statementId" in args and "voidedStatementId" in args:
            raise ApiError(400, "give statementId or voidedStatementId, not both")
        others = sorted(set(args) - SINGLE_PARAMS)
        if others:
            raise ApiError(400, f"statementId cannot be combined with {', '.join(others)}")
        voided = "voidedStatementId" in args
        statement_id = args["voidedStatementId" if voided else "statementId"]
        if not UUID.match(statement_id):
            raise ApiError(400, "the statement id must be a UUID")
        format_param(args)
        boolean(args, "attachments")
        found = queries.get_statement(session(), statement_id, voided=voided, stored_by=readable_by)
        if found is None:
            raise ApiError(404, f"no {'voided ' if voided else ''}statement {statement_id}")
        found = formatted(found, args)
        response = _statements_response(found, [found], args)
        response.headers[CONSISTENT_THROUGH] = consistent
        stored = parse_time(found["stored"], "stored")
        response.headers["Last-Modified"] = http_date(stored)
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
        scopes = {DOCUMENT_SCOPE[kind], credentials.ALL}
        if method in ("GET", "HEAD"):
            scopes.add("all/read")
        _require(
            scopes,
            f"{'read' if method in ('GET', 'HEAD') else 'write'} {kind.replace('_', ' ')} documents",
        )
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
            activity_key=tables.iri_key(required_iri(args, "activityId"))
            if "activityId" in allowed
            else "",
            agent_key=agent_param(args) if "agent" in allowed else "",
            registration=registration_param(args) if kind == documents.STATE else "",
            owner=_document_owner(method),
        )
        document_id = args.get(id_param)
        if document_id is not None and not document_id:
            raise ApiError(400, f"{id_param} must not be empty")
        if "since" in args and (method not in ("GET", "HEAD") or document_id is not None):
            raise ApiError(400, "since is only for listing ids (GET without " + id_param + ")")
        db = session()
        if method in ("GET", "HEAD"):
            if document_id is None:
                since = parse_time(args["since"], "since") if "since" in args else None
                response = json_response(documents.ids(db, place, since))
                latest = documents.last_updated(db, place, since)
                if latest is not None:
                    response.headers["Last-Modified"] = http_date(latest)
                return response
            found = documents.get(db, place, document_id)
            if found is None:
                raise ApiError(404, f"no document {document_id}")
            response = current_app.response_class(found.content, status=200)
            response.headers["Content-Type"] = found.content_type
            response.headers["ETag"] = f'"{found.etag}"'
            response.headers["Last-Modified"] = http_date(found.updated)
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
                bounded_json.loads(content)
            except (ValueError, UnicodeDecodeError) as error:
                raise ApiError(400, f"the document is not valid JSON: {error}") from None
        existing = documents.get(db, place, document_id)
        strict = kind != documents.STATE or is_2_0()
        _preconditions(existing, require=method == "PUT" and strict)
        try:
            if method == "PUT":
                etag = documents.put(db, place, document_id, content, content_type, now())
            else:
                etag = documents.merge(db, place, document_id, content, content_type, now(), existing)
        except documents.NotJsonDocument as error:
            raise ApiError(400, str(error)) from None
        except documents.OtherOwner as error:
            message = f"{error}: this key reads and writes only the documents it made"
            raise ApiError(403, message) from None
        db.commit()
        return Response(status=204, headers={"ETag": f'"{etag}"'})

    def _document_owner(method: str) -> str | None:
        """The key whose documents alone this request sees: xAPI limits the ``state`` and
        ``profile`` scopes to the client's own, so only ``all`` (and ``all/read`` for reading)
        see every client's documents."""
        if credentials.ALL in g.xapi_scopes or g.xapi_key is None:
            return None
        if method in ("GET", "HEAD") and "all/read" in g.xapi_scopes:
            return None
        return g.xapi_key

    def _preconditions(existing: documents.Document | None, *, require: bool) -> None:
        """If-Match and If-None-Match (RFC 7232); with ``require``, one of them must be given when
        the document exists (409 otherwise)."""
        headers = g.xreq.headers
        if_match = headers.get("If-Match")
        if_none_match = headers.get("If-None-Match")
        if if_match is not None:
            tags = etags(if_match)
            if existing is None or ("*" not in tags and existing.etag not in tags):
                raise ApiError(412, "If-Match does not match the document's ETag")
        if if_none_match is not None:
            tags = etags(if_none_match)
            if existing is not None and ("*" in tags or existing.etag in tags):
                raise ApiError(412, "If-None-Match: the document exists")
        if require and if_match is None and if_none_match is None:
            if existing is not None:
                raise ApiError(
                    409,
                    "the document exists: send If-Match with its ETag to replace it "
                    "(or If-None-Match: * to create it only if it does not exist)",
                )
            if not is_2_0():
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
        activity_id = required_iri(args, "activityId")
        found = queries.get_activity(session(), activity_id)
        if found is None:
            found = {"objectType": "Activity", "id": activity_id}
        return json_response(found)

    def agents():
        if g.xreq.method not in ("GET", "HEAD"):
            raise ApiError(405, "the Agents resource only answers GET")
        args = g.xreq.args
        unknown = sorted(set(args) - {"agent"})
        if unknown:
            raise ApiError(400, f"unknown parameter(s): {', '.join(unknown)}")
        agent = agent_object(args)
        person: dict[str, Any] = {"objectType": "Person"}
        if isinstance(agent.get("name"), str):
            person["name"] = [agent["name"]]
        for key in ("mbox", "mbox_sha1sum", "openid", "account"):
            if key in agent:
                person[key] = [agent[key]]
        return json_response(person)

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
