"""The LRS answers odd input with its own 4xx and 5xx, never an unhandled 500 (issue 13, item 8)."""

from __future__ import annotations

import json

from tests.xapi.lrs.conftest import statement
from xapi.bounded_json import MAX_JSON_DEPTH

DEEP = "[" * 50_000 + "]" * 50_000


def _nested(levels: int):
    value: object = "bunn"
    for _ in range(levels):
        value = {"x": value}
    return value


def test_json_nested_50000_deep_is_refused_with_400_naming_the_depth(xapi):
    response = xapi.client.post(
        "/xapi/statements",
        data=DEEP,
        content_type="application/json",
        headers=xapi.headers,
        auth=xapi.key.auth,
    )
    assert response.status_code == 400
    assert f"deeper than {MAX_JSON_DEPTH} levels" in response.json["message"]


def test_json_one_level_past_the_limit_is_refused_and_nothing_is_stored(xapi):
    too_deep = statement(result={"extensions": {"http://x.example/e": _nested(MAX_JSON_DEPTH)}})
    response = xapi.post(too_deep)
    assert response.status_code == 400
    assert "deeper than" in response.json["message"]
    assert xapi.get(statementId=too_deep["id"]).status_code == 404


def test_a_statement_with_extensions_nested_well_inside_the_limit_is_stored(xapi):
    deep_enough = statement(result={"extensions": {"http://x.example/e": _nested(60)}})
    assert xapi.post(deep_enough).status_code == 200
    stored = xapi.get(statementId=deep_enough["id"]).json
    assert json.dumps(stored["result"]) == json.dumps(deep_enough["result"])


def test_a_state_document_nested_50000_deep_is_refused(xapi):
    response = xapi.client.put(
        "/xapi/activities/state",
        data=DEEP,
        content_type="application/json",
        query_string={
            "activityId": "http://localhost/xapi/activities/module/a",
            "agent": json.dumps({"mbox": "mailto:nils@example.com"}),
            "stateId": "s",
        },
        headers=xapi.headers,
        auth=xapi.key.auth,
    )
    assert response.status_code == 400
    assert "deeper than" in response.json["message"]
