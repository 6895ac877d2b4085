"""What a key of the built-in LRS may do follows its scopes (xAPI 1.0.3's OAuth scopes): writing,
reading its own or every statement, voiding, documents and activity definitions. A request its
scopes do not cover is answered 403 with a message, and changes nothing."""

from __future__ import annotations

import pytest

from tests.xapi.lrs.conftest import VOIDED, XapiClient, make_key, statement
from tests.xapi.lrs.test_documents import PLACES, Documents

WRITE = ("statements/write",)
MINE = ("statements/write", "statements/read/mine")
ACTIVITY = "http://localhost/xapi/activities/module/a"


@pytest.fixture
def api(app, client):
    """``api(*scopes)``: a client with a new key holding those scopes."""
    made = iter(range(1000))

    def make(*scopes: str) -> XapiClient:
        return XapiClient(client, make_key(app, f"Nøkkel {next(made)}", scopes))

    return make


def ids_of(response) -> set[str]:
    return {found["id"] for found in response.get_json()["statements"]}


def refused(response, scope_named: str) -> bool:
    return response.status_code == 403 and scope_named in response.get_json()["message"]


def voiding(target_id: str) -> dict:
    return statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target_id})


# Writing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scopes", [("statements/read",), ("state",), ("all/read",), ("define",)])
def test_a_key_without_a_write_scope_may_not_post_or_put_statements(api, xapi, scopes):
    reader = api(*scopes)
    posted = statement()
    assert refused(reader.post(posted), "statements/write")
    put = statement()
    assert refused(reader.put(put, statementId=put["id"]), "statements/write")
    assert xapi.get(statementId=posted["id"]).status_code == 404, "nothing was stored"
    assert xapi.get(statementId=put["id"]).status_code == 404


@pytest.mark.parametrize("scopes", [WRITE, ("all",)])
def test_statements_write_and_all_may_post_and_put(api, scopes):
    writer = api(*scopes)
    assert writer.post(statement()).status_code == 200
    put = statement()
    assert writer.put(put, statementId=put["id"]).status_code == 204


# Reading ---------------------------------------------------------------------------------------------


def test_statements_read_mine_reads_only_what_its_own_key_stored(api, xapi):
    mine, other = api(*MINE), api(*MINE)
    own = [statement() for _ in range(3)]
    theirs = [statement() for _ in range(2)]
    assert mine.post(own).status_code == 200
    assert other.post(theirs).status_code == 200
    assert xapi.post([statement()]).status_code == 200

    assert ids_of(mine.get()) == {s["id"] for s in own}
    assert ids_of(mine.get(verb=own[0]["verb"]["id"], activity=ACTIVITY)) == {s["id"] for s in own}
    assert mine.get(statementId=own[0]["id"]).status_code == 200
    assert mine.get(statementId=theirs[0]["id"]).status_code == 404
    assert ids_of(other.get()) == {s["id"] for s in theirs}


def test_statements_read_mine_pages_through_its_own_statements_only(api, xapi):
    mine = api(*MINE)
    own = [statement() for _ in range(5)]
    mine.post(own)
    xapi.post([statement() for _ in range(5)])
    seen: set[str] = set()
    page = mine.get(limit=2).get_json()
    while True:
        seen |= {found["id"] for found in page["statements"]}
        if not page["more"]:
            break
        page = mine.client.get(page["more"], headers=mine.headers, auth=mine.key.auth).get_json()
    assert seen == {s["id"] for s in own}


@pytest.mark.parametrize("scopes", [("statements/read",), ("all/read",), ("all",)])
def test_statements_read_all_read_and_all_read_every_statement(api, xapi, scopes):
    theirs = [statement(), statement()]
    xapi.post(theirs)
    reader = api(*scopes)
    assert ids_of(reader.get()) >= {s["id"] for s in theirs}
    assert reader.get(statementId=theirs[0]["id"]).status_code == 200


@pytest.mark.parametrize("scopes", [WRITE, ("state",), ("profile",), ("define",)])
def test_a_key_without_a_read_scope_may_not_read_statements(api, xapi, scopes):
    posted = statement()
    xapi.post(posted)
    key = api(*scopes)
    assert refused(key.get(), "statements/read")
    assert refused(key.get(statementId=posted["id"]), "statements/read")


# Voiding -------------------------------------------------------------------------------------------


def test_a_key_voids_what_it_stored_but_not_what_another_key_stored(api, xapi):
    writer, stranger = api(*MINE), api(*MINE)
    own, theirs = statement(), statement()
    writer.post(own)
    stranger.post(theirs)

    assert writer.post(voiding(own["id"])).status_code == 200
    assert xapi.get(voidedStatementId=own["id"]).status_code == 200

    response = writer.post(voiding(theirs["id"]))
    assert refused(response, "all")
    assert xapi.get(statementId=theirs["id"]).status_code == 200, "still not voided"


def test_a_key_without_all_may_not_void_a_statement_the_platform_stored_or_one_not_yet_stored(api, xapi):
    writer = api(*MINE)
    platforms = statement()
    xapi.post(platforms)  # an all key stands in for any other writer
    assert refused(writer.post(voiding(platforms["id"])), "all")
    assert refused(writer.post(voiding("9f1b2d9e-3c4a-4b5e-9f60-7a8b9c0d1e2f")), "all")


def test_a_key_may_void_a_statement_it_stores_in_the_same_batch(api, xapi):
    writer = api(*MINE)
    own = statement()
    assert writer.post([own, voiding(own["id"])]).status_code == 200
    assert xapi.get(voidedStatementId=own["id"]).status_code == 200


def test_an_all_key_voids_any_statement(api, xapi):
    theirs = statement()
    api(*MINE).post(theirs)
    assert xapi.post(voiding(theirs["id"])).status_code == 200
    assert xapi.get(voidedStatementId=theirs["id"]).status_code == 200


# Documents -----------------------------------------------------------------------------------------

DOCUMENT_SCOPE = {"state": "state", "activity_profile": "profile", "agent_profile": "profile"}


@pytest.mark.parametrize("kind", sorted(PLACES))
def test_documents_need_their_scope_to_read_or_write(api, xapi, kind):
    scope = DOCUMENT_SCOPE[kind]
    Documents(xapi, kind).put("d1", {"a": 1})
    for without in (MINE, ("statements/read",), ("define",)):
        docs = Documents(api(*without), kind)
        assert refused(docs.get("d1"), scope)
        assert refused(docs.get(), scope)
        assert refused(docs.put("d2", {"b": 2}), scope)
        assert refused(docs.post("d1", {"b": 2}), scope)
        assert refused(docs.delete("d1"), scope)
    assert Documents(xapi, kind).get("d1").get_json() == {"a": 1}, "unchanged"
    assert Documents(xapi, kind).get("d2").status_code == 404

    holder = Documents(api(scope), kind)
    assert holder.put("d2", {"b": 2}).status_code == 204
    assert holder.get("d2").get_json() == {"b": 2}
    assert holder.post("d2", {"c": 3}).status_code == 204
    assert holder.get("d2").get_json() == {"b": 2, "c": 3}
    assert holder.delete("d2").status_code == 204
    assert holder.get("d2").status_code == 404


@pytest.mark.parametrize("kind", sorted(PLACES))
def test_a_document_scope_reaches_only_the_documents_its_own_key_made(api, xapi, kind):
    """xAPI limits ``state`` and ``profile`` to the client's own documents: another client's (here
    the platform's all-key's and a second key's) are not listed, not read, not overwritten, not
    merged into and not deleted."""
    scope = DOCUMENT_SCOPE[kind]
    Documents(xapi, kind).put("theirs", {"a": 1})
    other = Documents(api(scope), kind)
    assert other.put("other", {"o": 1}).status_code == 204
    mine = Documents(api(scope), kind)
    assert mine.put("mine", {"m": 1}).status_code == 204

    assert mine.get().get_json() == ["mine"]
    assert mine.get("theirs").status_code == 404
    assert mine.get("other").status_code == 404
    overwrite = mine.put("other", {"x": 1})
    assert overwrite.status_code == 403
    assert "only the documents it made" in overwrite.get_json()["message"]
    assert mine.post("theirs", {"x": 1}).status_code == 403
    assert mine.delete("other").status_code == 204  # nothing of its own there: nothing deleted

    everything = Documents(xapi, kind)
    assert sorted(everything.get().get_json()) == ["mine", "other", "theirs"]
    assert everything.get("theirs").get_json() == {"a": 1}
    assert everything.get("other").get_json() == {"o": 1}
    assert Documents(api("all/read"), kind).get("other").get_json() == {"o": 1}


@pytest.mark.parametrize("kind", sorted(PLACES))
def test_all_read_reads_documents_but_does_not_write_them(api, xapi, kind):
    Documents(xapi, kind).put("d1", {"a": 1})
    reader = Documents(api("all/read"), kind)
    assert reader.get("d1").get_json() == {"a": 1}
    assert refused(reader.post("d1", {"b": 2}), DOCUMENT_SCOPE[kind])


# Defining activities ------------------------------------------------------------------------------


def test_without_define_a_statement_is_stored_but_does_not_define_its_activity(api, xapi):
    named = {"objectType": "Activity", "id": ACTIVITY, "definition": {"name": {"nb": "Brannvern"}}}
    without = statement(object=named)
    assert api(*MINE).post(without).status_code == 200
    assert "definition" not in xapi.get("/xapi/activities", activityId=ACTIVITY).get_json()

    assert api("statements/write", "define").post(statement(object=named)).status_code == 200
    activity = xapi.get("/xapi/activities", activityId=ACTIVITY).get_json()
    assert activity["definition"]["name"] == {"nb": "Brannvern"}
