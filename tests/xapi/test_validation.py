"""The 1.0.3 data rules: each invalid statement is named by the path of its problem."""

import copy

import pytest

from xapi.validation import InvalidStatement, problems, validate

VALID = {
    "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
    "actor": {"objectType": "Agent", "account": {"homePage": "http://localhost", "name": "a-uuid"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"nb-NO": "svarte"}},
    "object": {
        "id": "http://localhost/xapi/activities/module/m/card/c",
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "correctResponsesPattern": ["b"],
            "choices": [{"id": "a", "description": {"nb-NO": "A"}}, {"id": "b"}],
        },
    },
    "result": {
        "success": True,
        "response": "b",
        "score": {"scaled": 1, "raw": 100, "min": 0, "max": 100},
    },
    "context": {"registration": "0f5e4b1c-9b7a-4b8e-9c1d-2a3b4c5d6e7f", "language": "nb-NO"},
    "timestamp": "2026-10-25T02:30:00+01:00",
}


def changed(path: str, value):
    statement = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target = statement
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return statement


def test_a_valid_statement_has_no_problems():
    assert problems(VALID) == []
    validate(VALID)


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("id", "not-a-uuid", "statement.id: must be a UUID"),
        ("verb.id", "answered", "statement.verb.id: must be an IRI"),
        ("verb", KeyError, "statement.verb: is required"),
        ("actor.mbox", "mailto:ola@example.no", "an Agent needs exactly one"),
        ("actor.account", {"name": "x"}, "statement.actor.account.homePage: is required"),
        ("verb.display", {"norsk!": "svarte"}, "is not a language tag"),
        ("result.score.scaled", 1.5, "statement.result.score.scaled: must be between -1 and 1"),
        ("result.score.raw", 120, "statement.result.score.raw: must not be above max"),
        ("result.duration", "5 minutes", "must be an ISO 8601 duration"),
        ("timestamp", "2026-10-25 02:30", "must be an ISO 8601 timestamp"),
        ("context.registration", "123", "statement.context.registration: must be a UUID"),
        ("object.definition.interactionType", "essay", "unknown interaction type"),
        ("object.definition.scale", [{"id": "1"}], "is not allowed for a choice interaction"),
        ("result.grade", "A", "statement.result.grade: is not an allowed property here"),
        ("result.success", "yes", "statement.result.success: must be true or false"),
    ],
)
def test_each_broken_rule_is_named_by_its_path(path, value, problem):
    found = problems(changed(path, value))
    assert any(problem in p for p in found), found


def test_voiding_needs_a_statement_reference():
    voiding = changed("verb", {"id": "http://adlnet.gov/expapi/verbs/voided"})
    assert any("StatementRef" in p for p in problems(voiding))
    voiding["object"] = {"objectType": "StatementRef", "id": VALID["id"]}
    del voiding["result"], voiding["context"]
    assert problems(voiding) == []


def test_a_group_needs_members_or_one_identifier():
    team = {"objectType": "Group", "name": "Vaktlaget"}
    statement = changed("context.team", team)
    assert any("anonymous Group needs its members" in p for p in problems(statement))
    team["member"] = [VALID["actor"]]
    assert problems(changed("context.team", team)) == []


def test_validate_raises_with_every_problem():
    statement = changed("verb.id", "answered")
    statement["id"] = "x"
    with pytest.raises(InvalidStatement) as raised:
        validate(statement)
    assert len(raised.value.problems) == 2


@pytest.mark.parametrize("duration", ["P4W", "PT1.5S", "P1Y2M3DT4H5M6S"])
def test_durations_iso_8601_allows(duration):
    assert problems(changed("result.duration", duration)) == []


@pytest.mark.parametrize("duration", ["P4W1D", "P", "PT", "1H"])
def test_durations_iso_8601_refuses(duration):
    assert problems(changed("result.duration", duration)) != []


@pytest.mark.parametrize("offset", ["-00:00", "-0000"])
def test_a_negative_zero_offset_is_not_a_timestamp(offset):
    assert problems(changed("timestamp", "2026-01-01T10:00:00" + offset)) != []


def test_an_interaction_type_that_is_not_a_string_is_a_problem_not_a_crash():
    statement = changed("object.definition", {"interactionType": {"not": "a string"}})
    assert any("interactionType" in p for p in problems(statement))


def test_an_authority_group_is_an_anonymous_pair_of_agents():
    agent = {"objectType": "Agent", "mbox": "mailto:a@example.com"}
    pair = {"objectType": "Group", "member": [agent, {**agent, "mbox": "mailto:b@example.com"}]}
    assert problems(changed("authority", pair)) == []
    assert problems(changed("authority", {**pair, "member": [agent]})) != []
    assert problems(changed("authority", {**pair, "mbox": "mailto:g@example.com"})) != []


def test_context_agents_and_groups_are_2_0_only():
    agent = {"objectType": "Agent", "mbox": "mailto:a@example.com"}
    context_agents = [{"objectType": "contextAgent", "agent": agent, "relevantTypes": ["http://x.y/z"]}]
    statement = changed("context.contextAgents", context_agents)
    assert problems(statement, "2.0") == []
    assert problems(statement) != []
    broken = changed(
        "context.contextAgents", [{"objectType": "contextAgent", "agent": agent, "relevantTypes": []}]
    )
    assert problems(broken, "2.0") != []
    group = {"objectType": "Group", "member": [agent]}
    statement = changed("context.contextGroups", [{"objectType": "contextGroup", "group": group}])
    assert problems(statement, "2.0") == []
