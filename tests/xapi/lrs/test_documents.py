"""The document resources of the built-in LRS: State, Activity Profile and Agent Profile, with ETag
concurrency (If-Match, If-None-Match, 409 and 412) and the JSON merge of POST."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.xapi.lrs.conftest import XapiClient
from xapi.lrs import documents

ACTIVITY = "http://localhost/xapi/activities/module/a"
AGENT = json.dumps({"objectType": "Agent", "mbox": "mailto:nils@example.com"})
REGISTRATION = "a1b2c3d4-0000-4000-8000-000000000001"
T0 = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)

PLACES = {
    "state": ("/xapi/activities/state", "stateId", {"activityId": ACTIVITY, "agent": AGENT}),
    "activity_profile": ("/xapi/activities/profile", "profileId", {"activityId": ACTIVITY}),
    "agent_profile": ("/xapi/agents/profile", "profileId", {"agent": AGENT}),
}


class Documents:
    def __init__(self, xapi: XapiClient, kind: str):
        self.xapi = xapi
        self.path, self.id_param, self.params = PLACES[kind]

    def _send(
        self, method, doc_id=None, body=None, content_type="application/json", headers=None, **params
    ):
        query = {**self.params, **params}
        if doc_id is not None:
            query[self.id_param] = doc_id
        data = json.dumps(body) if isinstance(body, dict | list) else body
        return self.xapi.client.open(
            self.path,
            method=method,
            query_string=query,
            data=data,
            content_type=content_type if body is not None else None,
            headers={**self.xapi.headers, **(headers or {})},
            auth=self.xapi.key.auth,
        )

    def put(self, doc_id, body, headers=None, **kw):
        """PUT; without ``headers``, as a create (If-None-Match: *), which 1.0.3 profiles need."""
        headers = {"If-None-Match": "*"} if headers is None else headers
        return self._send("PUT", doc_id, body, headers=headers, **kw)

    def post(self, doc_id, body, **kw):
        return self._send("POST", doc_id, body, **kw)

    def get(self, doc_id=None, **kw):
        return self._send("GET", doc_id, **kw)

    def delete(self, doc_id=None, **kw):
        return self._send("DELETE", doc_id, **kw)


@pytest.fixture(params=sorted(PLACES))
def docs(request, xapi) -> Documents:
    return Documents(xapi, request.param)


@pytest.fixture
def docs_2_0(client, lrs_key) -> Documents:
    return Documents(XapiClient(client, lrs_key, version="2.0.0"), "state")


def test_put_then_get_returns_the_document_with_a_quoted_sha1_etag(docs):
    assert docs.put("doc-1", {"a": 1}).status_code == 204
    response = docs.get("doc-1")
    assert response.status_code == 200
    assert response.get_json() == {"a": 1}
    assert response.mimetype == "application/json"
    etag = response.headers["ETag"]
    assert etag == '"' + hashlib.sha1(response.data).hexdigest() + '"'
    assert "Last-Modified" in response.headers


def test_a_document_keeps_any_content_type(docs):
    assert docs.put("doc-1", "plain words", content_type="text/plain").status_code == 204
    response = docs.get("doc-1")
    assert response.data == b"plain words"
    assert response.mimetype == "text/plain"


def test_get_of_a_missing_document_is_404_and_head_has_no_body(docs):
    assert docs.get("nothing").status_code == 404
    docs.put("doc-1", {"a": 1})
    head = docs._send("HEAD", "doc-1")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"]


def test_post_merges_json_objects_and_creates_when_missing(docs):
    assert docs.post("doc-1", {"a": 1, "b": 1}).status_code == 204
    assert docs.post("doc-1", {"b": 2, "c": 3}).status_code == 204
    assert docs.get("doc-1").get_json() == {"a": 1, "b": 2, "c": 3}


@pytest.mark.parametrize(
    ("first", "first_type", "second", "second_type"),
    [
        ({"a": 1}, "application/json", "text", "text/plain"),
        ("text", "text/plain", {"a": 1}, "application/json"),
        ({"a": 1}, "application/json", "[1, 2]", "application/json"),
        ({"a": 1}, "application/json", "{not json", "application/json"),
    ],
)
def test_post_cannot_merge_what_is_not_two_json_objects(docs, first, first_type, second, second_type):
    docs.put("doc-1", first, content_type=first_type)
    before = docs.get("doc-1").data
    response = docs.post("doc-1", second, content_type=second_type)
    assert response.status_code == 400
    assert docs.get("doc-1").data == before


def _stamp(app, updated: dict[str, datetime]) -> None:
    """Give stored documents explicit update times (the LRS stamps them with the time of the PUT)."""
    with app.app_context():
        for document_id, at in updated.items():
            db.session.execute(
                sa.update(documents.documents)
                .where(documents.documents.c.document_id == document_id)
                .values(updated=at)
            )
        db.session.commit()


def test_listing_ids_with_since_in_the_order_they_were_updated(app, docs):
    docs.put("new", {"b": 1})
    docs.put("old", {"a": 1})
    _stamp(app, {"old": T0, "new": T0 + timedelta(seconds=1)})

    assert docs.get().get_json() == ["old", "new"]
    assert docs.get(since=(T0 - timedelta(seconds=1)).isoformat()).get_json() == ["old", "new"]
    assert docs.get(since=(T0 + timedelta(milliseconds=500)).isoformat()).get_json() == ["new"]
    assert docs.get(since=T0.isoformat()).get_json() == ["new"], "since is exclusive"
    assert docs.get(since=(T0 + timedelta(seconds=1)).isoformat()).get_json() == []
    assert docs.get(since="yesterday").status_code == 400


def test_required_and_malformed_parameters_are_400(xapi):
    state = Documents(xapi, "state")
    assert state._send("GET", "s", body=None, activityId="not an iri").status_code == 400
    assert state._send("GET", "s", agent="{not json").status_code == 400
    assert state._send("GET", "s", agent=json.dumps({"name": "no ifi"})).status_code == 400
    assert state._send("GET", "s", registration="not-a-uuid").status_code == 400
    assert state._send("GET", "s", unknown="x").status_code == 400
    assert state.put(None, {"a": 1}).status_code == 400  # no stateId
    bare = xapi.client.get(
        "/xapi/activities/state", query_string={"stateId": "s"}, headers=xapi.headers, auth=xapi.key.auth
    )
    assert bare.status_code == 400


def test_state_is_kept_per_registration_and_delete_without_id_clears_them(xapi):
    state = Documents(xapi, "state")
    state.put("s", {"plain": True})
    state.put("s", {"registered": True}, registration=REGISTRATION)
    assert state.get("s").get_json() == {"plain": True}
    assert state.get("s", registration=REGISTRATION).get_json() == {"registered": True}
    assert state.delete(registration=REGISTRATION).status_code == 204
    assert state.get("s", registration=REGISTRATION).status_code == 404
    assert state.get("s").status_code == 200
    assert state.delete().status_code == 204
    assert state.get().get_json() == []


def test_profiles_need_an_etag_to_overwrite_409(xapi):
    for kind in ("activity_profile", "agent_profile"):
        profile = Documents(xapi, kind)
        profile.put("p", {"v": 1})
        response = profile.put("p", {"v": 2}, headers={})
        assert response.status_code == 409
        assert response.get_json()["message"]
        assert profile.get("p").get_json() == {"v": 1}


def test_a_1_0_state_may_be_overwritten_without_an_etag_but_not_a_2_0_one(xapi, docs_2_0):
    state = Documents(xapi, "state")
    state.put("s", {"v": 1})
    assert state.put("s", {"v": 2}, headers={}).status_code == 204
    assert docs_2_0.put("s2", {"v": 1}, headers={}).status_code == 204
    assert docs_2_0.put("s2", {"v": 2}, headers={}).status_code == 409


def test_a_1_0_profile_put_without_any_precondition_is_400(xapi):
    profile = Documents(xapi, "activity_profile")
    assert profile.put("new", {"v": 1}, headers={}).status_code == 400
    assert profile.get("new").status_code == 404


def test_if_match_and_if_none_match(docs):
    assert docs.put("p", {"v": 1}, headers={"If-None-Match": "*"}).status_code == 204
    etag = docs.get("p").headers["ETag"]
    assert docs.put("p", {"v": 2}, headers={"If-None-Match": "*"}).status_code == 412
    assert docs.put("p", {"v": 2}, headers={"If-Match": '"1234"'}).status_code == 412
    assert docs.post("p", {"w": 1}, headers={"If-Match": '"1234"'}).status_code == 412
    assert docs.delete("p", headers={"If-Match": '"1234"'}).status_code == 412
    assert docs.get("p").get_json() == {"v": 1}
    assert docs.put("p", {"v": 2}, headers={"If-Match": etag}).status_code == 204
    assert docs.get("p").get_json() == {"v": 2}
    assert docs.put("missing", {"v": 1}, headers={"If-Match": "*"}).status_code == 412
    etag = docs.get("p").headers["ETag"]
    assert docs.delete("p", headers={"If-Match": etag}).status_code == 204
    assert docs.get("p").status_code == 404


def test_documents_need_credentials_and_the_version_header(client, lrs_key):
    path = "/xapi/activities/profile"
    query = {"activityId": ACTIVITY, "profileId": "p"}
    assert client.get(path, query_string=query, auth=lrs_key.auth).status_code == 400
    assert (
        client.get(path, query_string=query, headers={"X-Experience-API-Version": "1.0.3"}).status_code
        == 401
    )
