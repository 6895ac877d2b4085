"""Every error under /api/v1 is JSON with a message, whatever went wrong."""

from __future__ import annotations

import pytest

from xapi.bounded_json import MAX_JSON_DEPTH


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"]["status"] == status
    assert response.json["error"]["message"]
    return response.json["error"]


def test_an_unknown_path_and_a_wrong_method_are_json(client, api_headers):
    headers = api_headers()
    assert_json_error(client.get("/api/v1/nothing-here", headers=headers), 404)
    assert_json_error(client.delete("/api/v1/people", headers=headers), 405)
    assert_json_error(client.get("/api/v1/people/unknown", headers=headers), 404)
    assert client.get("/no-such-page").mimetype == "text/html"


def test_a_body_that_is_not_json_is_refused(client, api_headers):
    headers = api_headers()
    assert_json_error(client.put("/api/v1/units", data="units", headers=headers), 415)
    bad = client.put("/api/v1/units", data="{", headers=headers, content_type="application/json")
    assert "JSON" in assert_json_error(bad, 400)["message"]


def test_the_hr_api_refuses_json_nested_50000_deep_with_a_json_400(client, api_headers):
    response = client.put(
        "/api/v1/people",
        data="[" * 50_000 + "]" * 50_000,
        content_type="application/json",
        headers=api_headers(),
    )
    assert response.status_code == 400
    assert response.json["error"]["message"] == (
        f"The request body is not valid JSON: it nests deeper than {MAX_JSON_DEPTH} levels."
    )


def test_the_api_refuses_a_page_number_past_any_list(client, api_headers):
    response = client.get(f"/api/v1/people?page={10**30}", headers=api_headers())
    assert response.status_code == 400
    assert response.json["error"]["details"][0]["where"] == "query.page"


def test_a_bad_query_names_the_parameter(client, api_headers):
    error = assert_json_error(client.get("/api/v1/people?page=0", headers=api_headers()), 400)
    assert error["details"][0]["where"] == "query.page"


def test_a_too_large_body_is_413_json(app, client, api_headers):
    headers = api_headers()
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = '{"units": [' + " " * limit + "]}"
    response = client.put("/api/v1/units", data=body, headers=headers, content_type="application/json")
    assert_json_error(response, 413)


def test_a_server_error_is_json_and_changes_nothing(app, client, api_headers, monkeypatch):
    from lms.api import units

    def broken(_records):
        raise RuntimeError("boom")

    monkeypatch.setattr(units, "sync_units", broken)
    response = client.put("/api/v1/units", json={"units": []}, headers=api_headers())
    assert "boom" not in assert_json_error(response, 500)["message"]


@pytest.mark.parametrize("path", ["/api/v1/openapi.json"])
def test_the_openapi_document_is_public_and_lists_every_operation(app, client, path):
    document = client.get(path).json
    assert document["openapi"].startswith("3.1")
    operations = {
        (method.upper(), route) for route, item in document["paths"].items() for method in item
    }
    served = {
        (method, rule.rule.replace("<", "{").replace(">", "}"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert operations == served
    sync = document["paths"]["/api/v1/people"]["put"]
    assert sync["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PeopleBatch"
    }
    assert "people:write" in sync["description"]
    assert document["components"]["schemas"]["PersonIn"]["properties"]["email"]


def test_control_characters_and_broken_unicode_are_refused_not_stored(client, api_headers):
    headers = api_headers()
    for name in ("Kari\x00", "Kari\udba7"):
        person = {"external_id": "H1", "name": name}
        response = client.put("/api/v1/people", json={"people": [person]}, headers=headers)
        error = assert_json_error(response, 400)
        assert error["details"][0]["where"] == "people[0].name"
    assert_json_error(client.get("/api/v1/people/H%00", headers=headers), 404)
