"""The document resources of the built-in LRS (State, Activity Profile, Agent Profile: read, list,
write, merge, delete, with ETag preconditions), limited to a key's own documents unless it holds
``all`` (or ``all/read`` to read), and the Activities and Agents resources."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g

from xapi import bounded_json
from xapi.lrs import credentials, documents, queries, tables
from xapi.lrs.context import host, require
from xapi.lrs.formats import http_date, json_response
from xapi.lrs.parameters import (
    ApiError,
    agent_object,
    agent_param,
    etags,
    is_2_0,
    only_params,
    parse_time,
    registration_param,
    required_iri,
)

DOCUMENT_SCOPE = {
    documents.STATE: "state",
    documents.ACTIVITY_PROFILE: "profile",
    documents.AGENT_PROFILE: "profile",
}


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
    require(
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
    only_params(allowed, each_once=True)
    place = documents.Place(
        kind,
        activity_key=tables.iri_key(required_iri(args, "activityId")) if "activityId" in allowed else "",
        agent_key=agent_param(args) if "agent" in allowed else "",
        registration=registration_param(args) if kind == documents.STATE else "",
        owner=_document_owner(method),
    )
    document_id = args.get(id_param)
    if document_id is not None and not document_id:
        raise ApiError(400, f"{id_param} must not be empty")
    if "since" in args and (method not in ("GET", "HEAD") or document_id is not None):
        raise ApiError(400, "since is only for listing ids (GET without " + id_param + ")")
    db = host().session()
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
            etag = documents.put(db, place, document_id, content, content_type, host().now())
        else:
            etag = documents.merge(db, place, document_id, content, content_type, host().now(), existing)
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


# Activities and agents ---------------------------------------------------------------------------


def activities():
    _read_only("Activities", {"activityId"})
    activity_id = required_iri(g.xreq.args, "activityId")
    found = queries.get_activity(host().session(), activity_id)
    if found is None:
        found = {"objectType": "Activity", "id": activity_id}
    return json_response(found)


def agents():
    _read_only("Agents", {"agent"})
    agent = agent_object(g.xreq.args)
    person: dict[str, Any] = {"objectType": "Person"}
    if isinstance(agent.get("name"), str):
        person["name"] = [agent["name"]]
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return json_response(person)


def _read_only(resource: str, allowed: set[str]) -> None:
    """405 for any method but GET and HEAD; 400 for a parameter outside ``allowed``."""
    if g.xreq.method not in ("GET", "HEAD"):
        raise ApiError(405, f"the {resource} resource only answers GET")
    only_params(allowed)
