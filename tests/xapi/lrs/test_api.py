"""The xAPI interface of the built-in LRS: /xapi/about and /xapi/statements."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from lms.extensions import db
from tests.xapi.lrs.conftest import ATTEMPTED, COMPLETED, VOIDED, XapiClient, statement
from xapi.lrs import queries, tables


def stored_count(app) -> int:
    with app.app_context():
        return queries.statement_count(db.session)


def ids(response) -> list[str]:
    return [found["id"] for found in response.get_json()["statements"]]


# Headers and credentials ------------------------------------------------------------------------


def test_about_needs_neither_version_nor_credentials(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.get_json() == {"version": ["1.0.3", "2.0.0"], "extensions": {}}
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


def test_a_request_without_the_version_header_is_refused(client, lrs_key):
    response = client.get("/xapi/statements", auth=lrs_key.auth)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert "X-Experience-API-Version" in response.get_json()["message"]
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    unknown = client.get(
        "/xapi/statements", auth=lrs_key.auth, headers={"X-Experience-API-Version": "0.95"}
    )
    assert unknown.status_code == 400


def test_wrong_or_missing_credentials_get_401(app, client, lrs_key):
    headers = {"X-Experience-API-Version": "1.0.3"}
    for auth in (None, (lrs_key.key, "wrong"), ("nokey", lrs_key.secret)):
        response = client.post("/xapi/statements", json=statement(), headers=headers, auth=auth)
        assert response.status_code == 401, auth
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert response.mimetype == "application/json"
    assert stored_count(app) == 0


def test_a_deployment_may_answer_unversioned_requests_as_1_0_3(app, client, lrs_key, monkeypatch):
    monkeypatch.setitem(app.config, "LRS_UNVERSIONED_REPLY", "1.0.3")
    response = client.get("/xapi/statements", auth=lrs_key.auth)
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_a_request_without_the_version_header_is_answered_in_the_version_its_key_last_spoke(
    client, lrs_key
):
    """xAPI 1.0.3 wants 1.0.3 on the 400 of an unversioned request, xAPI 2.0 wants 2.0.0: the
    client's own earlier requests say which it follows (ADL's 1.0.3 and 2.0 suites, XAPI-00331)."""

    def unversioned_replies() -> set[str]:
        sent = statement()
        answers = [
            client.get("/xapi/statements", query_string={"statementId": sent["id"]}, auth=lrs_key.auth),
            client.post("/xapi/statements", json=sent, auth=lrs_key.auth),
            client.put("/xapi/statements", json=sent, query_string={"statementId": sent["id"]},
                       auth=lrs_key.auth),
            client.get("/xapi/about", auth=lrs_key.auth),
        ]  # fmt: skip
        assert [answer.status_code for answer in answers] == [400, 400, 400, 200]
        return {answer.headers["X-Experience-API-Version"] for answer in answers}

    assert unversioned_replies() == {"2.0.0"}  # a key that never spoke: the newest version
    for version, reply in (("1.0.3", "1.0.3"), ("2.0.0", "2.0.0"), ("1.0", "1.0.3")):
        assert XapiClient(client, lrs_key, version=version).get().status_code == 200
        assert unversioned_replies() == {reply}, version


def test_only_a_valid_key_decides_the_version_of_an_unversioned_answer(client, lrs_key, app):
    assert XapiClient(client, lrs_key, version="1.0.3").get().status_code == 200
    for auth in (None, (lrs_key.key, "wrong")):
        response = client.get("/xapi/statements", auth=auth)
        assert response.status_code == 400
        assert response.headers["X-Experience-API-Version"] == "2.0.0"
        about = client.get("/xapi/about", auth=auth)
        assert about.headers["X-Experience-API-Version"] == "2.0.0"


def test_a_2_0_client_gets_2_0_0_back(client, lrs_key):
    response = XapiClient(client, lrs_key, version="2.0.0").get()
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


def test_a_body_over_the_limit_gets_413(xapi):
    big = statement(result={"response": "x" * (11 * 1024 * 1024)})
    response = xapi.post(big)
    assert response.status_code == 413
    assert response.mimetype == "application/json"


def test_the_lrs_needs_no_csrf_token_and_is_public_only_at_the_session_level(app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/xapi")}
    assert set(rules) == {
        "xapi_lrs.about",
        "xapi_lrs.statements",
        "xapi_lrs.state",
        "xapi_lrs.activity_profile",
        "xapi_lrs.agent_profile",
        "xapi_lrs.activities",
        "xapi_lrs.agents",
    }
    assert all(app.view_functions[endpoint].access_rule == "public" for endpoint in rules)


# Storing ----------------------------------------------------------------------------------------


def test_post_one_and_get_it_back_with_what_the_lrs_adds(xapi, lrs_key):
    sent = statement()
    response = xapi.post(sent)
    assert response.status_code == 200
    assert response.get_json() == [sent["id"]]
    got = xapi.get(statementId=sent["id"])
    assert got.status_code == 200
    assert "X-Experience-API-Consistent-Through" in got.headers
    assert "Last-Modified" in got.headers
    body = got.get_json()
    assert body["actor"] == sent["actor"] and body["object"] == sent["object"]
    assert body["authority"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://localhost", "name": lrs_key.name},
    }
    assert body["version"] == "1.0.0"
    assert body["timestamp"] == body["stored"]
    assert body["stored"].endswith("Z")


def test_post_many_returns_their_ids_in_order_and_makes_missing_ids(xapi):
    batch = [statement(learner=f"l{n}") for n in range(3)]
    del batch[1]["id"]
    response = xapi.post(batch)
    assert response.status_code == 200
    made = response.get_json()
    assert made[0] == batch[0]["id"] and made[2] == batch[2]["id"]
    assert uuid.UUID(made[1]).version == 4
    assert xapi.get(statementId=made[1]).get_json()["actor"]["name"] == "l1"


def test_put_stores_under_the_given_id(xapi):
    sent = statement()
    statement_id = sent.pop("id")
    response = xapi.put(sent, statementId=statement_id)
    assert response.status_code == 204
    assert xapi.get(statementId=statement_id).status_code == 200
    assert xapi.put(sent, statementId=statement_id).status_code == 204


def test_put_refuses_a_body_with_another_id_or_no_statement_id(xapi):
    sent = statement()
    response = xapi.put(sent, statementId=str(uuid.uuid4()))
    assert response.status_code == 400
    assert "differs" in response.get_json()["message"]
    assert xapi.put(sent).status_code == 400
    assert xapi.get(statementId=sent["id"]).status_code == 404


def test_the_same_statement_sent_again_is_accepted_and_stored_once(app, xapi):
    sent = statement(timestamp="2026-11-23T10:00:00Z")
    assert xapi.post(sent).status_code == 200
    again = json.loads(json.dumps(sent))
    again["id"] = again["id"].upper()
    again["timestamp"] = "2026-11-23T11:00:00.000+01:00"
    again["verb"]["display"] = {"EN-us": "completed"}
    response = xapi.post([again, statement()])
    assert response.status_code == 200
    assert response.get_json()[0] == sent["id"]
    assert stored_count(app) == 2


def test_an_id_reused_for_other_content_is_a_conflict_and_nothing_of_the_batch_is_stored(app, xapi):
    sent = statement()
    assert xapi.post(sent).status_code == 200
    changed = {**sent, "verb": {"id": ATTEMPTED}}
    fresh = statement()
    response = xapi.post([fresh, changed])
    assert response.status_code == 409
    assert sent["id"] in response.get_json()["message"]
    assert xapi.put(changed, statementId=sent["id"]).status_code == 409
    assert xapi.get(statementId=fresh["id"]).status_code == 404
    assert stored_count(app) == 1


def test_two_statements_with_one_id_in_a_batch(app, xapi):
    first = statement()
    assert xapi.post([first, first]).get_json() == [first["id"], first["id"]]
    other = statement()
    clash = {**other, "verb": {"id": ATTEMPTED}}
    response = xapi.post([other, clash])
    assert response.status_code == 400
    assert "used twice" in response.get_json()["message"]
    assert stored_count(app) == 1


def test_an_invalid_statement_is_refused_with_the_problem_and_its_batch_not_stored(app, xapi):
    good = statement()
    bad_verb = statement(verb="not an iri")
    response = xapi.post([good, bad_verb])
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert "statement 1" in message and "verb.id" in message and "IRI" in message
    bad_mbox = statement()
    bad_mbox["actor"]["mbox"] = "nils@example.com"
    response = xapi.post([good, bad_mbox])
    assert response.status_code == 400
    assert "actor.mbox" in response.get_json()["message"]
    assert stored_count(app) == 0


def test_bodies_that_are_not_statements(xapi):
    client, headers, auth = xapi.client, xapi.headers, xapi.key.auth
    not_json = client.post(
        "/xapi/statements", data="{nope", headers=headers, auth=auth, content_type="application/json"
    )
    assert not_json.status_code == 400
    form = client.post("/xapi/statements", data={"a": "b"}, headers=headers, auth=auth)
    assert form.status_code == 400
    assert xapi.post("a string").status_code == 400
    assert xapi.post(statement(), statementId=str(uuid.uuid4())).status_code == 400
    data = statement(
        attachments=[
            {
                "usageType": "http://example.com/usage",
                "display": {"en": "file"},
                "contentType": "text/plain",
                "length": 4,
                "sha2": "ab" * 32,
            }
        ]
    )
    response = xapi.post(data)
    assert response.status_code == 400
    assert "fileUrl" in response.get_json()["message"]


# Voiding ----------------------------------------------------------------------------------------


def voiding(target_id: str) -> dict:
    return {
        "actor": {"mbox": "mailto:admin@example.com"},
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": target_id},
    }


def test_voiding_hides_the_target_which_voidedStatementId_returns(xapi):
    target = statement()
    xapi.post(target)
    response = xapi.post(voiding(target["id"]))
    assert response.status_code == 200
    voiding_id = response.get_json()[0]
    assert xapi.get(statementId=target["id"]).status_code == 404
    found = xapi.get(voidedStatementId=target["id"])
    assert found.status_code == 200 and found.get_json()["id"] == target["id"]
    assert ids(xapi.get()) == [voiding_id]
    assert xapi.get(voidedStatementId=voiding_id).status_code == 404


def test_a_voiding_statement_cannot_be_voided(xapi):
    target = statement()
    xapi.post(target)
    first = xapi.post(voiding(target["id"])).get_json()[0]
    xapi.post(voiding(first))
    assert xapi.get(statementId=first).status_code == 200


def test_a_statement_voided_before_it_arrives_is_stored_voided(xapi):
    target = statement()
    xapi.post(voiding(target["id"]))
    xapi.post(target)
    assert xapi.get(statementId=target["id"]).status_code == 404
    assert xapi.get(voidedStatementId=target["id"]).status_code == 200


def test_statement_id_with_other_filters_is_refused(xapi):
    sent = statement()
    xapi.post(sent)
    assert xapi.get(statementId=sent["id"], verb=COMPLETED).status_code == 400
    assert xapi.get(statementId=sent["id"], voidedStatementId=sent["id"]).status_code == 400
    assert xapi.get(statementId="not-a-uuid").status_code == 400
    assert xapi.get(statementId=str(uuid.uuid4())).status_code == 404
    assert xapi.get(statementId=sent["id"], format="exact").status_code == 200


# Queries ----------------------------------------------------------------------------------------


def test_the_filters(xapi):
    registration = str(uuid.uuid4())
    course = "http://localhost/xapi/activities/course/c"
    a = statement(learner="nils", context={"registration": registration})
    b = statement(learner="aisha", verb=ATTEMPTED)
    c = statement(
        learner="ole",
        activity="http://localhost/xapi/activities/module/b",
        context={
            "contextActivities": {"parent": {"id": course}},
            "instructor": {"mbox": "mailto:nils@example.com"},
        },
    )
    group = statement(learner="x")
    group["actor"] = {
        "objectType": "Group",
        "name": "team",
        "member": [{"mbox": "mailto:nils@example.com"}, {"mbox": "mailto:frida@example.com"}],
    }
    xapi.post([a, b, c, group])

    nils = json.dumps({"mbox": "mailto:nils@example.com"})
    assert set(ids(xapi.get(agent=nils))) == {a["id"], group["id"]}
    assert set(ids(xapi.get(agent=nils, related_agents="true"))) == {a["id"], c["id"], group["id"]}
    assert ids(xapi.get(verb=ATTEMPTED)) == [b["id"]]
    assert set(ids(xapi.get(activity="http://localhost/xapi/activities/module/a"))) == {
        a["id"],
        b["id"],
        group["id"],
    }
    assert ids(xapi.get(activity=course)) == []
    assert ids(xapi.get(activity=course, related_activities="true")) == [c["id"]]
    assert ids(xapi.get(registration=registration)) == [a["id"]]
    assert ids(xapi.get(registration=registration.upper())) == [a["id"]]
    assert ids(xapi.get(agent=nils, verb=COMPLETED, registration=registration)) == [a["id"]]


def test_newest_first_unless_ascending(xapi):
    sent = [statement(learner=f"l{n}") for n in range(3)]
    for one in sent:
        xapi.post(one)
    expected = [one["id"] for one in sent]
    assert ids(xapi.get()) == expected[::-1]
    assert ids(xapi.get(ascending="true")) == expected


def test_since_and_until_over_http(xapi):
    first = statement()
    xapi.post(first)
    stored = xapi.get(statementId=first["id"]).get_json()["stored"]
    assert ids(xapi.get(until=stored)) == [first["id"]]
    assert ids(xapi.get(since=stored)) == []
    assert ids(xapi.get(since="2000-01-01T00:00:00+02:00")) == [first["id"]]
    assert ids(xapi.get(until="2000-01-01T00:00:00Z")) == []
    assert xapi.get(since="yesterday").status_code == 400


def test_bad_parameters_get_400(xapi):
    assert xapi.get(agent="nils").status_code == 400
    assert xapi.get(agent=json.dumps({"name": "no identifier"})).status_code == 400
    assert xapi.get(verb="completed").status_code == 400
    assert xapi.get(registration="abc").status_code == 400
    assert xapi.get(limit="-1").status_code == 400
    assert xapi.get(ascending="yes").status_code == 400
    assert xapi.get(format="full").status_code == 400
    assert xapi.get(colour="blue").status_code == 400
    assert xapi.get(more="garbage").status_code == 400


def test_paging_through_1200_statements_with_more_has_no_gaps_or_repeats(xapi):
    sent = [statement(learner=f"l{n % 7}") for n in range(1200)]
    for start in range(0, 1200, 400):
        assert xapi.post(sent[start : start + 400]).status_code == 200
    for params, page_size in (({}, 500), ({"limit": "250", "ascending": "true"}, 250)):
        seen, url, pages = [], None, 0
        response = xapi.get(**params)
        while True:
            pages += 1
            body = response.get_json()
            assert len(body["statements"]) <= page_size
            seen += [found["id"] for found in body["statements"]]
            if not body["more"]:
                break
            assert body["more"].startswith("/xapi/statements?more=")
            url = body["more"]
            response = xapi.client.get(url, headers=xapi.headers, auth=xapi.key.auth)
            assert response.status_code == 200
        assert len(seen) == len(set(seen)) == 1200
        assert set(seen) == {one["id"] for one in sent}
        assert pages == -(-1200 // page_size)
        if params.get("ascending"):
            assert seen == [one["id"] for one in sent]
        else:
            assert seen == [one["id"] for one in reversed(sent)]


def test_more_keeps_the_filters(xapi):
    xapi.post([statement(verb=ATTEMPTED) for _ in range(5)] + [statement() for _ in range(5)])
    first = xapi.get(verb=ATTEMPTED, limit="3").get_json()
    rest = xapi.client.get(first["more"], headers=xapi.headers, auth=xapi.key.auth).get_json()
    assert len(first["statements"]) == 3 and len(rest["statements"]) == 2
    assert rest["more"] == ""
    everything = first["statements"] + rest["statements"]
    assert {found["verb"]["id"] for found in everything} == {ATTEMPTED}


def test_head_is_get_without_a_body(xapi):
    sent = statement()
    xapi.post(sent)
    response = xapi.head(statementId=sent["id"])
    assert response.status_code == 200
    assert response.get_data() == b""
    assert "X-Experience-API-Consistent-Through" in response.headers
    assert xapi.head(statementId=str(uuid.uuid4())).status_code == 404


def test_ids_format_keeps_only_identifiers(xapi):
    sent = statement()
    sent["object"]["definition"] = {"name": {"en": "A module"}}
    xapi.post(sent)
    found = xapi.get(statementId=sent["id"], format="ids").get_json()
    assert found["object"] == {"id": sent["object"]["id"]}
    assert found["actor"] == {"objectType": "Agent", "mbox": "mailto:nils@example.com"}
    assert found["verb"] == {"id": COMPLETED}


def test_a_failed_request_leaves_the_credentials_and_store_usable(app, xapi):
    assert xapi.post(statement(verb="bad")).status_code == 400
    assert xapi.post(statement()).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(tables.statements)) == 1
