"""The Statement resource of the built-in LRS (``/xapi/statements``): storing statements (POST, PUT),
with the voiding rules of each key's scopes, and reading them (GET, HEAD: one by id, or a filtered
page with a ``more`` link), with attachments as multipart when asked."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Response, current_app, g, url_for
from sqlalchemy.orm import Session

from xapi.lrs import attachments, credentials, queries, store
from xapi.lrs.context import CONSISTENT_THROUGH, host, require
from xapi.lrs.formats import formatted, http_date, iso, json_response
from xapi.lrs.parameters import (
    FILTERS,
    ApiError,
    boolean,
    format_param,
    is_2_0,
    make_more,
    only_params,
    parse_time,
    read_more,
    statement_body,
    statement_filters,
)
from xapi.validation import UUID

GET_PARAMS = {"statementId", "voidedStatementId", "more", *FILTERS}
SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
WRITE_STATEMENTS = {"statements/write", credentials.ALL}
READ_EVERY_STATEMENT = {"statements/read", "all/read", credentials.ALL}
READ_MY_STATEMENTS = "statements/read/mine"
DEFINE = {"define", credentials.ALL}


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
        "account": {"homePage": host().home_page(), "name": g.xapi_client},
    }


def _store(batch: list[dict], data: dict[str, tuple[str, bytes]]) -> list[str]:
    require(WRITE_STATEMENTS, "store statements")
    db = host().session()
    _check_voiding(db, batch)
    try:
        attachments.check_batch(batch, data)
        ids = store.store_statements(
            db,
            batch,
            authority=_authority(),
            now=host().now(),
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
    require({*READ_EVERY_STATEMENT, READ_MY_STATEMENTS}, "read statements")
    return g.xapi_key


def _get():
    readable_by = _readable_by()
    only_params(GET_PARAMS, each_once=True)
    args = g.xreq.args
    consistent = iso(host().now())
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
            host().session(), **filters, after=after, stored_by=readable_by
        )
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    found = [formatted(statement, params) for statement in found]
    more = url_for(f"{host().name}.statements", more=make_more(params, cursor)) if cursor else ""
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
    data = queries.get_attachments(host().session(), wanted)
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
    found = queries.get_statement(host().session(), statement_id, voided=voided, stored_by=readable_by)
    if found is None:
        raise ApiError(404, f"no {'voided ' if voided else ''}statement {statement_id}")
    found = formatted(found, args)
    response = _statements_response(found, [found], args)
    response.headers[CONSISTENT_THROUGH] = consistent
    stored = parse_time(found["stored"], "stored")
    response.headers["Last-Modified"] = http_date(stored)
    return response
