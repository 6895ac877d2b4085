"""The rest of what ADL's conformance suite checks of the built-in LRS, so a regression shows without
the suite: attachments (multipart/mixed with SHA-2 checks, ``attachments=true``), signed statements,
StatementRefs in queries, the formats, the consistent-through header, the Activities, Agents and
About resources, the alternate request syntax of 1.0.3, and versioning."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from urllib.parse import urlencode

import pytest

from tests.xapi.lrs.conftest import COMPLETED, VOIDED, XapiClient, statement
from xapi.lrs import attachments

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def multipart(statements, parts: list[tuple[str, bytes]], boundary: str = "abc123") -> bytes:
    out = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(statements).encode(),
    ]
    for content_type, data in parts:
        sha2 = hashlib.sha256(data).hexdigest()
        out.append(
            f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        out.append(data)
    out.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(out)


def attachment_for(
    data: bytes, content_type: str = "text/plain", usage: str = "http://example.com/a"
) -> dict:
    return {
        "usageType": usage,
        "display": {"en-US": "a file"},
        "contentType": content_type,
        "length": len(data),
        "sha2": hashlib.sha256(data).hexdigest(),
    }


def post_multipart(xapi: XapiClient, body: bytes, boundary: str = "abc123"):
    return xapi.client.post(
        "/xapi/statements",
        data=body,
        content_type=f"multipart/mixed; boundary={boundary}",
        headers=xapi.headers,
        auth=xapi.key.auth,
    )


def jws(payload: dict, alg: str = "RS256") -> bytes:
    def b64(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).decode().rstrip("=")

    header = b64(json.dumps({"alg": alg}).encode())
    return f"{header}.{b64(json.dumps(payload).encode())}.{b64(b'signature')}".encode()


# Attachments --------------------------------------------------------------------------------------


def test_attachment_data_is_stored_and_returned_as_multipart(xapi):
    data = b"hello attachment"
    sent = statement(attachments=[attachment_for(data)])
    response = post_multipart(xapi, multipart([sent], [("text/plain", data)]))
    assert response.status_code == 200, response.get_json()
    plain = xapi.get(statementId=sent["id"])
    assert plain.mimetype == "application/json"
    found = xapi.get(statementId=sent["id"], attachments="true")
    assert found.mimetype == "multipart/mixed"
    boundary = found.headers["Content-Type"].split("boundary=")[1].strip('"')
    parts = attachments.parse_multipart(found.data, boundary)
    assert json.loads(parts[0].content)["id"] == sent["id"]
    assert parts[1].content == data
    assert parts[1].headers["x-experience-api-hash"] == hashlib.sha256(data).hexdigest()
    listed = xapi.get(attachments="true")
    assert listed.mimetype == "multipart/mixed"


def test_attachment_without_its_data_or_with_a_wrong_hash_is_400(xapi):
    data = b"hello"
    assert xapi.post(statement(attachments=[attachment_for(data)])).status_code == 400
    wrong = multipart([statement(attachments=[attachment_for(data)])], [("text/plain", b"other")])
    assert post_multipart(xapi, wrong).status_code == 400
    stray = multipart([statement()], [("text/plain", data)])
    assert post_multipart(xapi, stray).status_code == 400
    with_url = statement(attachments=[{**attachment_for(data), "fileUrl": "http://example.com/f"}])
    assert xapi.post(with_url).status_code == 200


def test_signed_statements(xapi):
    for alg, status in (("RS256", 200), ("RS384", 200), ("RS512", 200), ("HS256", 400)):
        sent = statement()
        signature = jws(sent, alg)
        signed = {
            **sent,
            "attachments": [attachment_for(signature, "application/octet-stream", SIGNATURE)],
        }
        response = post_multipart(xapi, multipart([signed], [("application/octet-stream", signature)]))
        assert response.status_code == status, alg
    sent = statement()
    signature = jws({**sent, "verb": {"id": "http://example.com/other"}})
    signed = {**sent, "attachments": [attachment_for(signature, "application/octet-stream", SIGNATURE)]}
    assert (
        post_multipart(xapi, multipart([signed], [("application/octet-stream", signature)])).status_code
        == 400
    )
    broken = b"not.a-jws"
    signed = {**sent, "attachments": [attachment_for(broken, "application/octet-stream", SIGNATURE)]}
    assert (
        post_multipart(xapi, multipart([signed], [("application/octet-stream", broken)])).status_code
        == 400
    )
    signature = jws(sent)
    signed = {**sent, "attachments": [attachment_for(signature, "text/plain", SIGNATURE)]}
    assert post_multipart(xapi, multipart([signed], [("text/plain", signature)])).status_code == 400


# Queries ----------------------------------------------------------------------------------------


def test_statements_referring_to_a_match_are_returned_with_it(xapi):
    target = statement(verb="http://example.com/verbs/special")
    xapi.post(target)
    voiding = {
        "actor": target["actor"],
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": target["id"]},
    }
    voiding_id = xapi.post(voiding).get_json()[0]
    found = xapi.get(verb="http://example.com/verbs/special").get_json()["statements"]
    assert [item["id"] for item in found] == [voiding_id]
    assert xapi.get(statementId=target["id"]).status_code == 404
    assert xapi.get(voidedStatementId=target["id"]).status_code == 200


def test_formats_ids_and_canonical(xapi):
    sent = statement()
    sent["verb"]["display"] = {"en-US": "completed", "nb-NO": "fullførte"}
    sent["object"]["definition"] = {"name": {"en-US": "Module", "nb-NO": "Modul"}}
    xapi.post(sent)
    ids = xapi.get(statementId=sent["id"], format="ids").get_json()
    assert ids["object"] == {"id": sent["object"]["id"]}
    assert ids["verb"] == {"id": COMPLETED}
    canonical = xapi.client.get(
        "/xapi/statements",
        query_string={"statementId": sent["id"], "format": "canonical"},
        headers={**xapi.headers, "Accept-Language": "nb-NO"},
        auth=xapi.key.auth,
    ).get_json()
    assert canonical["verb"]["display"] == {"nb-NO": "fullførte"}
    assert canonical["object"]["definition"]["name"] == {"nb-NO": "Modul"}
    exact = xapi.get(statementId=sent["id"]).get_json()
    assert exact["verb"]["display"] == sent["verb"]["display"]


def test_consistent_through_is_on_every_statement_get_even_errors(xapi):
    for params in ({}, {"statementId": str(uuid.uuid4())}, {"statementId": "x", "agent": "y"}):
        response = xapi.get(**params)
        assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z"), params


def test_head_answers_like_get_without_a_body(xapi):
    xapi.post(statement())
    response = xapi.head()
    assert response.status_code == 200
    assert response.data == b""
    assert "X-Experience-API-Consistent-Through" in response.headers


# Activities, agents, about ------------------------------------------------------------------------


def test_the_activities_resource_merges_every_definition(xapi):
    activity = "http://example.com/activities/merged"
    first = statement(activity=activity)
    first["object"]["definition"] = {"name": {"en-US": "meeting"}}
    second = statement(activity=activity)
    second["object"]["definition"] = {"name": {"fr-FR": "réunion"}}
    xapi.post([first, second])
    found = xapi.get("/xapi/activities", activityId=activity)
    assert found.status_code == 200
    assert found.get_json()["definition"]["name"] == {"en-US": "meeting", "fr-FR": "réunion"}
    assert xapi.get("/xapi/activities").status_code == 400
    assert xapi.get("/xapi/activities", activityId="not an iri").status_code == 400


def test_the_agents_resource_returns_a_person(xapi):
    agent = {"objectType": "Agent", "name": "Nils", "mbox": "mailto:nils@example.com"}
    found = xapi.get("/xapi/agents", agent=json.dumps(agent)).get_json()
    assert found == {"objectType": "Person", "name": ["Nils"], "mbox": ["mailto:nils@example.com"]}
    assert xapi.get("/xapi/agents").status_code == 400
    assert xapi.get("/xapi/agents", agent=json.dumps({"name": "no id"})).status_code == 400


def test_about_lists_both_versions(client):
    response = client.get("/xapi/about")
    assert response.get_json()["version"] == ["1.0.3", "2.0.0"]
    assert client.post("/xapi/about").status_code == 405


# Versions and the alternate request syntax ----------------------------------------------------------


def test_the_version_header_decides_the_stored_version(client, lrs_key):
    for version, stored in (("1.0.3", "1.0.0"), ("2.0.0", "2.0.0")):
        api = XapiClient(client, lrs_key, version=version)
        sent = statement()
        api.post(sent)
        found = api.get(statementId=sent["id"])
        assert found.headers["X-Experience-API-Version"] == version
        assert found.get_json()["version"] == stored


def alternate(xapi: XapiClient, method: str, form: dict, **query):
    query = {"method": method, **query}
    return xapi.client.post(
        "/xapi/statements?" + urlencode(query),
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
    )


def _auth_header(xapi: XapiClient) -> str:
    return "Basic " + base64.b64encode(f"{xapi.key.key}:{xapi.key.secret}".encode()).decode()


def test_the_alternate_request_syntax_of_1_0_3(xapi):
    sent = statement()
    form = {
        "Authorization": _auth_header(xapi),
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
        "statementId": sent["id"],
        "content": json.dumps(sent),
    }
    assert alternate(xapi, "PUT", form).status_code == 204
    got = alternate(
        xapi,
        "GET",
        {
            "Authorization": form["Authorization"],
            "X-Experience-API-Version": "1.0.3",
            "statementId": sent["id"],
        },
    )
    assert got.status_code == 200
    assert got.get_json()["id"] == sent["id"]
    assert (
        alternate(
            xapi, "PUT", {**form, "content": ""} | {"content": json.dumps(sent)}, extra="x"
        ).status_code
        == 400
    )
    no_content = {key: value for key, value in form.items() if key != "content"}
    assert alternate(xapi, "PUT", no_content).status_code == 400


def test_2_0_has_no_alternate_request_syntax(client, lrs_key):
    api = XapiClient(client, lrs_key, version="2.0.0")
    sent = statement()
    form = {
        "Authorization": _auth_header(api),
        "X-Experience-API-Version": "2.0.0",
        "statementId": sent["id"],
        "content": json.dumps(sent),
    }
    assert alternate(api, "PUT", form).status_code == 400


@pytest.mark.parametrize("timestamp", ["2026-01-01T00:00:00-00:00", "2026-01-01T00:00:00-0000"])
def test_a_negative_zero_offset_is_400(xapi, timestamp):
    assert xapi.post(statement(timestamp=timestamp)).status_code == 400


def test_an_authority_group_is_an_anonymous_pair(xapi):
    agent = {"objectType": "Agent", "mbox": "mailto:a@example.com"}
    other = {"objectType": "Agent", "account": {"homePage": "http://example.com", "name": "app"}}
    pair = {"objectType": "Group", "member": [agent, other]}
    assert xapi.post(statement(authority=pair)).status_code == 200
    assert xapi.post(statement(authority={**pair, "member": [agent]})).status_code == 400
    named = {**pair, "mbox": "mailto:group@example.com"}
    assert xapi.post(statement(authority=named)).status_code == 400
