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

This module assembles the blueprint and checks every request; the resources are in
``statement_views`` and ``document_views``, and what they share (the host's hooks, the client, the
scope check) in ``context``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from flask import Blueprint, Response, g, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from werkzeug.datastructures import Authorization
from werkzeug.exceptions import HTTPException

from xapi.db import RETRY_AFTER_SECONDS, database_unavailable, utcnow
from xapi.lrs import credentials, document_views, statement_views
from xapi.lrs.context import CONSISTENT_THROUGH, Client, Host
from xapi.lrs.formats import error_response, iso, json_response
from xapi.lrs.parameters import ApiError, authorization, is_2_0, read_request, reply_version
from xapi.validation import VERSION

MAX_BODY = 10 * 1024 * 1024
SUPPORTED_VERSIONS = ["1.0.3", "2.0.0"]
VERSION_HEADER = "X-Experience-API-Version"
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"]


def _key_client(session: Session, key: str, secret: str, version: str | None) -> Client | None:
    found = credentials.check(session, key, secret, version=version)
    if found is None:
        return None
    return Client(found.name, found.last_version, found.key, frozenset(found.scopes))


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
    host = Host(session, home_page, authenticate, max_body, now, name, unversioned_reply)
    bp = Blueprint(name, __name__, url_prefix=url_prefix)
    bp.before_request(partial(_check_request, host))
    bp.after_request(partial(_version_header, host))
    bp.register_error_handler(ApiError, partial(_api_error, host))
    bp.register_error_handler(HTTPException, partial(_http_error, host))
    bp.register_error_handler(SQLAlchemyError, partial(_database_error, host))
    for rule, view in (
        ("/about", about),
        ("/statements", statement_views.statements),
        ("/activities/state", document_views.state),
        ("/activities/profile", document_views.activity_profile),
        ("/agents/profile", document_views.agent_profile),
        ("/activities", document_views.activities),
        ("/agents", document_views.agents),
    ):
        bp.add_url_rule(rule, view.__name__, view_decorator(view), methods=METHODS)
    return bp


def about():
    return json_response({"version": SUPPORTED_VERSIONS, "extensions": {}})


# Every request ------------------------------------------------------------------------------------


def _check_request(host: Host) -> None:
    """The version header, the body's size, the credentials: kept in ``g`` for the views."""
    g.xapi_host = host
    g.xapi_version = request.headers.get(VERSION_HEADER, "").strip()
    request.max_content_length = host.max_body
    if request.content_length is not None and request.content_length > host.max_body:
        raise ApiError(413, f"the request is larger than {host.max_body} bytes")
    if request.endpoint == f"{host.name}.about":
        if request.method not in ("GET", "HEAD"):
            raise ApiError(405, "the About resource only answers GET")
        if not VERSION.match(g.xapi_version):
            g.xapi_reply = _spoken_before(host, request.authorization)
        return
    g.xreq = read_request()
    g.xapi_version = g.xreq.headers.get(VERSION_HEADER, "").strip()
    auth = authorization(g.xreq)
    if not VERSION.match(g.xapi_version):
        g.xapi_reply = _spoken_before(host, auth)
        if not g.xapi_version:
            raise ApiError(400, f"the {VERSION_HEADER} header is required")
        raise ApiError(400, f"{VERSION_HEADER} {g.xapi_version!r} is not supported (1.0.x, 2.0.x)")
    if g.xreq.alternate and is_2_0():
        raise ApiError(400, "xAPI 2.0 has no alternate request syntax (method parameter)")
    client = _client(host, auth, reply_version())
    if client is None:
        raise ApiError(401, "valid credentials are required", {"WWW-Authenticate": 'Basic realm="xAPI"'})
    g.xapi_client = client.name
    g.xapi_key = client.key
    g.xapi_scopes = client.scopes


def _client(host: Host, auth: Authorization | None, version: str | None) -> Client | None:
    if auth is None or auth.type != "basic" or not auth.username or not auth.password:
        return None
    return host.authenticate(host.session(), auth.username, auth.password, version)


def _spoken_before(host: Host, auth: Authorization | None) -> str | None:
    """The version the request's key last spoke, for a request that names none."""
    client = _client(host, auth, None)
    return client.version if client else None


def _version_header(host: Host, response: Response) -> Response:
    asked = getattr(g, "xapi_version", "")
    if VERSION.match(asked):
        response.headers[VERSION_HEADER] = reply_version()
    else:
        response.headers[VERSION_HEADER] = g.get("xapi_reply") or host.unversioned_reply()
    if request.endpoint == f"{host.name}.statements" and CONSISTENT_THROUGH not in response.headers:
        response.headers[CONSISTENT_THROUGH] = iso(host.now())
    return response


def _api_error(host: Host, error: ApiError):
    host.session().rollback()
    return error_response(error.status, error.message, error.headers)


def _http_error(host: Host, error: HTTPException):
    host.session().rollback()
    return error_response(error.code or 500, error.description or error.name)


def _database_error(host: Host, error: SQLAlchemyError):
    """503 with ``Retry-After`` while the database is down or locked; any other database error
    is a bug and goes on to the application's 500."""
    host.session().rollback()
    if not database_unavailable(error):
        raise error
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return error_response(503, "the database is not available now; try again later", retry)
