"""The xAPI 1.0.3 data rules (which 2.0 LRSs also accept), checked before a statement enters the
outbox and when the built-in LRS receives one.

``problems(statement)`` returns every problem as ``"<path>: <message>"``; ``validate`` raises
``InvalidStatement`` with them. The checks follow the specification's Data section: required and
allowed properties at every level, identifiers (UUID, IRI, mailto), language maps and tags,
timestamps and durations, scores, interaction components, and the object types each place takes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
MAILTO = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$")
VERSION = re.compile(r"^1\.0(\.\d+)?$|^2\.0(\.\d+)?$")
DURATION = re.compile(
    r"^P(?=\d|T\d)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$|^P\d+(\.\d+)?W$"
)
"""ISO 8601 durations; weeks (``P4W``) stand alone, as ISO 8601 has them."""
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")

INTERACTION_TYPES = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other",
}  # fmt: skip
COMPONENT_LISTS = {
    "choice": {"choices"}, "sequencing": {"choices"}, "likert": {"scale"},
    "matching": {"source", "target"}, "performance": {"steps"},
}  # fmt: skip

STATEMENT_KEYS = {
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
    "version", "attachments", "objectType",
}  # fmt: skip
SUBSTATEMENT_KEYS = {
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
    "objectType",
}


class InvalidStatement(ValueError):
    def __init__(self, found: list[str]):
        self.problems = found
        super().__init__("; ".join(found))


def validate(statement: Any) -> None:
    found = problems(statement)
    if found:
        raise InvalidStatement(found)


def agent_problems(agent: Any, path: str = "agent") -> list[str]:
    """Every way ``agent`` is not a valid Agent or Group (as the ``agent`` parameter of the LRS's
    resources takes it)."""
    check = _Checker()
    check.agent_or_group(agent, path)
    return check.found


def problems(statement: Any, version: str = "1.0") -> list[str]:
    """Every way ``statement`` breaks the xAPI data rules; an empty list when it keeps them.
    ``version`` "2.0" also allows what xAPI 2.0 adds (``contextAgents``, ``contextGroups``)."""
    check = _Checker(version)
    check.statement(statement, "statement", sub=False)
    return check.found


class _Checker:
    def __init__(self, version: str = "1.0") -> None:
        self.found: list[str] = []
        self.v2 = version.startswith("2")

    def fail(self, path: str, message: str) -> None:
        self.found.append(f"{path}: {message}")

    # Shapes ---------------------------------------------------------------------------------

    def mapping(
        self, value: Any, path: str, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> bool:
        if not isinstance(value, dict):
            self.fail(path, "must be a JSON object")
            return False
        for key in sorted(set(value) - set(allowed)):
            self.fail(f"{path}.{key}", "is not an allowed property here")
        for key in required:
            if key not in value:
                self.fail(f"{path}.{key}", "is required")
        for key, item in value.items():
            if item is None:
                self.fail(f"{path}.{key}", "must not be null")
        return True

    def string(self, value: Any, path: str) -> bool:
        if not isinstance(value, str):
            self.fail(path, "must be a string")
            return False
        return True

    def matches(self, value: Any, path: str, pattern: re.Pattern, what: str) -> None:
        if self.string(value, path) and not pattern.match(value):
            self.fail(path, f"must be {what}")

    def iri(self, value: Any, path: str) -> None:
        self.matches(value, path, IRI, "an IRI")

    def uuid(self, value: Any, path: str) -> None:
        self.matches(value, path, UUID, "a UUID")

    def boolean(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            self.fail(path, "must be true or false")

    def number(self, value: Any, path: str) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "must be a number")
            return False
        return True

    def timestamp(self, value: Any, path: str) -> None:
        if not self.string(value, path):
            return
        if not TIMESTAMP.match(value):
            self.fail(path, "must be an ISO 8601 timestamp with a time zone")
            return
        if value.endswith(("-00:00", "-0000", "-00")):
            self.fail(path, "must not use the offset -00:00 (RFC 3339: unknown local offset)")
            return
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.fail(path, "is not a real date and time")

    def language_map(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail(path, "must be a language map")
            return
        for tag, text in value.items():
            if not LANGUAGE_TAG.match(tag):
                self.fail(f"{path}.{tag}", "is not a language tag (RFC 5646)")
            if not isinstance(text, str):
                self.fail(f"{path}.{tag}", "must be a string")

    def extensions(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            self.fail(path, "must be an object keyed by IRIs")
            return
        for key in value:
            if not IRI.match(key):
                self.fail(f"{path}.{key}", "extension keys must be IRIs")

    def each(self, value: Any, path: str, check: Callable[[Any, str], None]) -> None:
        if not isinstance(value, list):
            self.fail(path, "must be an array")
            return
        for index, item in enumerate(value):
            check(item, f"{path}[{index}]")

    # Statements -----------------------------------------------------------------------------

    def statement(self, value: Any, path: str, *, sub: bool) -> None:
        keys = SUBSTATEMENT_KEYS if sub else STATEMENT_KEYS
        if not self.mapping(value, path, keys, ("actor", "verb", "object")):
            return
        if sub and value.get("objectType") != "SubStatement":
            self.fail(f"{path}.objectType", "must be SubStatement")
        if not sub and "objectType" in value:
            self.fail(f"{path}.objectType", "is not allowed on a statement")
        if "id" in value:
            self.uuid(value["id"], f"{path}.id")
        if "actor" in value:
            self.agent_or_group(value["actor"], f"{path}.actor")
        if "verb" in value:
            self.verb(value["verb"], f"{path}.verb")
        if "object" in value:
            self.statement_object(value["object"], f"{path}.object", sub=sub)
        if "result" in value:
            self.result(value["result"], f"{path}.result")
        if "context" in value:
            self.context(value["context"], f"{path}.context", value.get("object"))
        for key in ("timestamp", "stored"):
            if key in value:
                self.timestamp(value[key], f"{path}.{key}")
        if "authority" in value:
            self.authority(value["authority"], f"{path}.authority")
        if "version" in value:
            self.matches(value["version"], f"{path}.version", VERSION, "1.0.x or 2.0.x")
        if "attachments" in value:
            self.each(value["attachments"], f"{path}.attachments", self.attachment)
        self.voiding(value, path)

    def authority(self, value: Any, path: str) -> None:
        """An Agent, or (OAuth: the application and the user) an anonymous Group of two Agents."""
        self.agent_or_group(value, path)
        if isinstance(value, dict) and value.get("objectType") == "Group":
            if any(key in value for key in self.IFIS):
                self.fail(path, "an authority Group must be anonymous")
            members = value.get("member")
            if not isinstance(members, list) or len(members) != 2:
                self.fail(f"{path}.member", "an authority Group has exactly two Agents")

    def voiding(self, value: dict, path: str) -> None:
        verb = value.get("verb")
        if isinstance(verb, dict) and verb.get("id") == VOIDED:
            target = value.get("object")
            if not isinstance(target, dict) or target.get("objectType") != "StatementRef":
                self.fail(f"{path}.object", "a voiding statement's object must be a StatementRef")

    def verb(self, value: Any, path: str) -> None:
        if self.mapping(value, path, {"id", "display"}, ("id",)):
            if "id" in value:
                self.iri(value["id"], f"{path}.id")
            if "display" in value:
                self.language_map(value["display"], f"{path}.display")

    # Agents and groups ----------------------------------------------------------------------

    IFIS = ("mbox", "mbox_sha1sum", "openid", "account")

    def agent_or_group(self, value: Any, path: str) -> None:
        if isinstance(value, dict) and value.get("objectType") == "Group":
            self.group(value, path)
        else:
            self.agent(value, path)

    def agent(self, value: Any, path: str) -> None:
        if not self.mapping(value, path, {"objectType", "name", *self.IFIS}):
            return
        if value.get("objectType", "Agent") != "Agent":
            self.fail(f"{path}.objectType", "must be Agent")
        if "name" in value:
            self.string(value["name"], f"{path}.name")
        if self.identifiers(value, path) != 1:
            self.fail(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")

    def group(self, value: dict, path: str) -> None:
        if not self.mapping(value, path, {"objectType", "name", "member", *self.IFIS}):
            return
        if "name" in value:
            self.string(value["name"], f"{path}.name")
        count = self.identifiers(value, path)
        if count > 1:
            self.fail(path, "a Group has at most one identifier")
        if count == 0 and "member" not in value:
            self.fail(f"{path}.member", "an anonymous Group needs its members")
        if "member" in value:
            self.each(value["member"], f"{path}.member", self.agent)

    def identifiers(self, value: dict, path: str) -> int:
        present = [key for key in self.IFIS if key in value]
        for key in present:
            item, where = value[key], f"{path}.{key}"
            if key == "mbox":
                self.matches(item, where, MAILTO, "a mailto: IRI")
            elif key == "mbox_sha1sum":
                self.matches(item, where, SHA1, "a hex SHA-1 sum")
            elif key == "openid":
                self.iri(item, where)
            elif self.mapping(item, where, {"homePage", "name"}, ("homePage", "name")):
                if "homePage" in item:
                    self.iri(item["homePage"], f"{where}.homePage")
                if "name" in item:
                    self.string(item["name"], f"{where}.name")
        return len(present)

    # Objects --------------------------------------------------------------------------------

    def statement_object(self, value: Any, path: str, *, sub: bool) -> None:
        kind = value.get("objectType", "Activity") if isinstance(value, dict) else "Activity"
        if kind == "Activity":
            self.activity(value, path)
        elif kind in ("Agent", "Group"):
            self.agent_or_group(value, path)
        elif kind == "StatementRef":
            self.statement_ref(value, path)
        elif kind == "SubStatement" and not sub:
            self.statement(value, path, sub=True)
        elif kind == "SubStatement":
            self.fail(path, "a SubStatement cannot hold another SubStatement")
        else:
            self.fail(f"{path}.objectType", f"unknown object type {kind!r}")

    def statement_ref(self, value: Any, path: str) -> None:
        if self.mapping(value, path, {"objectType", "id"}, ("objectType", "id")) and "id" in value:
            self.uuid(value["id"], f"{path}.id")

    def activity(self, value: Any, path: str) -> None:
        if not self.mapping(value, path, {"objectType", "id", "definition"}, ("id",)):
            return
        if "id" in value:
            self.iri(value["id"], f"{path}.id")
        if "definition" in value:
            self.definition(value["definition"], f"{path}.definition")

    def definition(self, value: Any, path: str) -> None:
        allowed = {
            "name", "description", "type", "moreInfo", "extensions", "interactionType",
            "correctResponsesPattern", "choices", "scale", "source", "target", "steps",
        }  # fmt: skip
        if not self.mapping(value, path, allowed):
            return
        for key in ("name", "description"):
            if key in value:
                self.language_map(value[key], f"{path}.{key}")
        for key in ("type", "moreInfo"):
            if key in value:
                self.iri(value[key], f"{path}.{key}")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        self.interaction(value, path)

    def interaction(self, value: dict, path: str) -> None:
        kind = value.get("interactionType")
        lists = {"choices", "scale", "source", "target", "steps"} & set(value)
        if kind is None:
            if lists or "correctResponsesPattern" in value:
                self.fail(f"{path}.interactionType", "is required with interaction properties")
            return
        if not isinstance(kind, str) or kind not in INTERACTION_TYPES:
            self.fail(f"{path}.interactionType", f"unknown interaction type {kind!r}")
            return
        for key in sorted(lists - COMPONENT_LISTS.get(kind, set())):
            self.fail(f"{path}.{key}", f"is not allowed for a {kind} interaction")
        if "correctResponsesPattern" in value:
            self.each(value["correctResponsesPattern"], f"{path}.correctResponsesPattern", self.string)
        for key in sorted(lists):
            self.components(value[key], f"{path}.{key}")

    def components(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            self.fail(path, "must be an array")
            return
        seen = set()
        for index, component in enumerate(value):
            where = f"{path}[{index}]"
            if self.mapping(component, where, {"id", "description"}, ("id",)):
                if self.string(component.get("id"), f"{where}.id"):
                    if component["id"] in seen:
                        self.fail(f"{where}.id", "is used twice")
                    seen.add(component["id"])
                if "description" in component:
                    self.language_map(component["description"], f"{where}.description")

    # Result, context, attachments --------------------------------------------------------------

    def result(self, value: Any, path: str) -> None:
        if not self.mapping(
            value, path, {"score", "success", "completion", "response", "duration", "extensions"}
        ):
            return
        for key in ("success", "completion"):
            if key in value:
                self.boolean(value[key], f"{path}.{key}")
        if "response" in value:
            self.string(value["response"], f"{path}.response")
        if "duration" in value:
            self.matches(value["duration"], f"{path}.duration", DURATION, "an ISO 8601 duration")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")
        if "score" in value:
            self.score(value["score"], f"{path}.score")

    def score(self, value: Any, path: str) -> None:
        if not self.mapping(value, path, {"scaled", "raw", "min", "max"}):
            return
        numbers = {key: value[key] for key in ("scaled", "raw", "min", "max") if key in value}
        numbers = {key: item for key, item in numbers.items() if self.number(item, f"{path}.{key}")}
        if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
            self.fail(f"{path}.scaled", "must be between -1 and 1")
        low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
        if low is not None and high is not None and low > high:
            self.fail(f"{path}.min", "must not be above max")
        if raw is not None and low is not None and raw < low:
            self.fail(f"{path}.raw", "must not be below min")
        if raw is not None and high is not None and raw > high:
            self.fail(f"{path}.raw", "must not be above max")

    def context(self, value: Any, path: str, statement_object: Any) -> None:
        allowed = {
            "registration", "instructor", "team", "contextActivities", "revision", "platform",
            "language", "statement", "extensions",
        }  # fmt: skip
        if self.v2:
            allowed |= {"contextAgents", "contextGroups"}
        if not self.mapping(value, path, allowed):
            return
        if "contextAgents" in value:
            self.each(value["contextAgents"], f"{path}.contextAgents", self.context_agent)
        if "contextGroups" in value:
            self.each(value["contextGroups"], f"{path}.contextGroups", self.context_group)
        if "registration" in value:
            self.uuid(value["registration"], f"{path}.registration")
        if "instructor" in value:
            self.agent_or_group(value["instructor"], f"{path}.instructor")
        if "team" in value:
            if not isinstance(value["team"], dict) or value["team"].get("objectType") != "Group":
                self.fail(f"{path}.team", "must be a Group")
            else:
                self.group(value["team"], f"{path}.team")
        if "contextActivities" in value:
            self.context_activities(value["contextActivities"], f"{path}.contextActivities")
        activity_object = (
            not isinstance(statement_object, dict)
            or statement_object.get("objectType", "Activity") == "Activity"
        )
        for key in ("revision", "platform"):
            if key in value:
                self.string(value[key], f"{path}.{key}")
                if not activity_object:
                    self.fail(f"{path}.{key}", "is only allowed when the object is an Activity")
        if "language" in value:
            self.matches(value["language"], f"{path}.language", LANGUAGE_TAG, "a language tag")
        if "statement" in value:
            self.statement_ref(value["statement"], f"{path}.statement")
            if (
                isinstance(value["statement"], dict)
                and value["statement"].get("objectType") != "StatementRef"
            ):
                self.fail(f"{path}.statement.objectType", "must be StatementRef")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{path}.extensions")

    def context_agent(self, value: Any, path: str) -> None:
        """xAPI 2.0: ``{"objectType": "contextAgent", "agent": Agent, "relevantTypes": [IRI]}``."""
        if self.mapping(value, path, {"objectType", "agent", "relevantTypes"}, ("objectType", "agent")):
            if value.get("objectType") != "contextAgent":
                self.fail(f"{path}.objectType", "must be contextAgent")
            if "agent" in value:
                self.agent(value["agent"], f"{path}.agent")
            self.relevant_types(value, path)

    def context_group(self, value: Any, path: str) -> None:
        """xAPI 2.0: ``{"objectType": "contextGroup", "group": Group, "relevantTypes": [IRI]}``."""
        if self.mapping(value, path, {"objectType", "group", "relevantTypes"}, ("objectType", "group")):
            if value.get("objectType") != "contextGroup":
                self.fail(f"{path}.objectType", "must be contextGroup")
            group = value.get("group")
            if not isinstance(group, dict) or group.get("objectType") != "Group":
                self.fail(f"{path}.group", "must be a Group")
            else:
                self.group(group, f"{path}.group")
            self.relevant_types(value, path)

    def relevant_types(self, value: dict, path: str) -> None:
        if "relevantTypes" in value:
            types = value["relevantTypes"]
            if isinstance(types, list) and not types:
                self.fail(f"{path}.relevantTypes", "must not be empty")
            self.each(types, f"{path}.relevantTypes", self.iri)

    def context_activities(self, value: Any, path: str) -> None:
        if not self.mapping(value, path, {"parent", "grouping", "category", "other"}):
            return
        for key, item in value.items():
            if isinstance(item, list):
                self.each(item, f"{path}.{key}", self.activity)
            else:
                self.activity(item, f"{path}.{key}")

    def attachment(self, value: Any, path: str) -> None:
        allowed = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
        required = ("usageType", "display", "contentType", "length", "sha2")
        if not self.mapping(value, path, allowed, required):
            return
        if "usageType" in value:
            self.iri(value["usageType"], f"{path}.usageType")
        for key in ("display", "description"):
            if key in value:
                self.language_map(value[key], f"{path}.{key}")
        if "contentType" in value:
            self.string(value["contentType"], f"{path}.contentType")
        if "length" in value and (
            isinstance(value["length"], bool) or not isinstance(value["length"], int)
        ):
            self.fail(f"{path}.length", "must be an integer")
        if "sha2" in value:
            self.string(value["sha2"], f"{path}.sha2")
        if "fileUrl" in value:
            self.iri(value["fileUrl"], f"{path}.fileUrl")


VOIDED = "http://adlnet.gov/expapi/verbs/voided"
