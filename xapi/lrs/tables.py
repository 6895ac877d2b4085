"""The tables of the built-in LRS's statement store, and the keys they index identifiers by.

Pure SQLAlchemy Core on ``xapi.db.metadata``. Each statement is kept whole as JSON text, beside the
columns its queries filter on. Identifiers that can be long (verb and activity IRIs, an agent's
identifier) are indexed as SHA-256 digests of a canonical form, so any length of IRI fits a B-tree.
Every statement also gets a row per agent and per activity it mentions
(``xapi_lrs_statement_agent``, ``xapi_lrs_statement_activity``): the ``agent`` filter (actor, object
and their group members) and ``related_agents`` / ``related_activities`` are lookups in those.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from xapi.db import UTCDateTime, metadata

CHUNK = 500
"""Most ids in one ``IN (...)`` list."""

statements = sa.Table(
    "xapi_lrs_statement",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("statement_id", sa.String(36), nullable=False, unique=True),
    sa.Column("stored", UTCDateTime, nullable=False),
    sa.Column("verb_key", sa.String(64), nullable=False),
    sa.Column("activity_key", sa.String(64)),
    sa.Column("registration", sa.String(36)),
    sa.Column("voided", sa.Boolean, nullable=False, default=False),
    sa.Column("voids", sa.String(36), index=True),
    sa.Column("ref_target", sa.String(36), index=True),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("statement", sa.Text, nullable=False),
    sa.Column("stored_by", sa.String(40)),
    sa.Index(None, "stored", "id"),
    sa.Index(None, "stored_by", "stored", "id"),
    sa.Index(None, "verb_key", "stored", "id"),
    sa.Index(None, "activity_key", "stored", "id"),
    sa.Index(None, "registration", "stored", "id"),
)
"""One row per stored statement. ``statement`` is the JSON as returned (with ``stored``,
``authority``, ``version`` and ``timestamp`` filled in); ``content_hash`` identifies what was submitted,
normalised, to recognise a re-send; ``voids`` is the target of a voiding statement, ``ref_target``
that of any statement whose object is a StatementRef (queries return those beside the statements
they target); ``stored_by`` the key (``xapi.lrs.credentials``) that stored it, None for statements
the platform stored itself (what ``statements/read/mine`` reads, and who may void it)."""

statement_agents = sa.Table(
    "xapi_lrs_statement_agent",
    metadata,
    sa.Column(
        "statement_pk",
        sa.Integer,
        sa.ForeignKey("xapi_lrs_statement.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("agent_key", sa.String(64), primary_key=True),
    sa.Column("direct", sa.Boolean, nullable=False),
    sa.Column("stored", UTCDateTime),
    sa.Index(None, "agent_key", "stored", "statement_pk"),
)
"""Every identified agent or group a statement mentions. ``direct``: it is the actor or the object
(or a member of a group that is), which is what the ``agent`` filter matches without
``related_agents``. ``stored`` repeats the statement's, so a query by agent reads its page in order
off the index however many statements the agent has."""

statement_activities = sa.Table(
    "xapi_lrs_statement_activity",
    metadata,
    sa.Column(
        "statement_pk",
        sa.Integer,
        sa.ForeignKey("xapi_lrs_statement.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("activity_key", sa.String(64), primary_key=True),
    sa.Column("stored", UTCDateTime),
    sa.Index(None, "activity_key", "stored", "statement_pk"),
)
"""Every activity a statement mentions: its object, its context activities, and those of a
SubStatement object (the ``related_activities`` filter); ``stored`` as in
``xapi_lrs_statement_agent``."""


activities = sa.Table(
    "xapi_lrs_activity",
    metadata,
    sa.Column("activity_key", sa.String(64), primary_key=True),
    sa.Column("activity", sa.Text, nullable=False),
)
"""The Activities resource: every activity a statement mentions, with the union of the definitions
sent for it (language maps merged, later values winning)."""

attachments = sa.Table(
    "xapi_lrs_attachment",
    metadata,
    sa.Column("sha2", sa.String(128), primary_key=True),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
)
"""Attachment data sent with statements (multipart/mixed), once per SHA-2 digest."""


# Keys ---------------------------------------------------------------------------------------------


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iri_key(iri: str) -> str:
    """The indexed form of a verb or activity id."""
    return digest(iri)


def agent_key(agent: Any) -> str | None:
    """The indexed form of an agent's or identified group's inverse functional identifier; None for
    an anonymous group (or anything without an identifier)."""
    if not isinstance(agent, dict):
        return None
    if "mbox" in agent:
        return digest(f"mbox|{agent['mbox']}")
    if "mbox_sha1sum" in agent:
        return digest(f"mbox_sha1sum|{str(agent['mbox_sha1sum']).lower()}")
    if "openid" in agent:
        return digest(f"openid|{agent['openid']}")
    account = agent.get("account")
    if isinstance(account, dict):
        return digest("account|" + json.dumps([account.get("homePage"), account.get("name")]))
    return None


def _agent_keys(agent: Any) -> Iterator[str]:
    """The agent's own key and its members' (a group matches through its members)."""
    if not isinstance(agent, dict):
        return
    key = agent_key(agent)
    if key:
        yield key
    if agent.get("objectType") == "Group":
        for member in agent.get("member") or ():
            member_key = agent_key(member)
            if member_key:
                yield member_key


def _is_agent(value: Any) -> bool:
    return isinstance(value, dict) and value.get("objectType") in ("Agent", "Group")


def is_activity(value: Any) -> bool:
    return isinstance(value, dict) and value.get("objectType", "Activity") == "Activity"


def related_agents(statement: dict) -> dict[str, bool]:
    """Every agent key the statement mentions, True when it is (in) the actor or object."""
    found: dict[str, bool] = {}

    def add(agent: Any, direct: bool) -> None:
        for key in _agent_keys(agent):
            found[key] = found.get(key, False) or direct

    add(statement.get("actor"), True)
    target = statement.get("object")
    if _is_agent(target):
        add(target, True)
    add(statement.get("authority"), False)
    for part in (statement, target if is_substatement(target) else {}):
        if part is not statement:
            add(part.get("actor"), False)
            if _is_agent(part.get("object")):
                add(part["object"], False)
        context = part.get("context") or {}
        add(context.get("instructor"), False)
        add(context.get("team"), False)
    return found


def is_substatement(value: Any) -> bool:
    return isinstance(value, dict) and value.get("objectType") == "SubStatement"


def related_activities(statement: dict) -> set[str]:
    found: set[str] = set()
    target = statement.get("object")
    for part in (statement, target if is_substatement(target) else {}):
        if is_activity(part.get("object")):
            found.add(iri_key(part["object"]["id"]))
        context_activities = (part.get("context") or {}).get("contextActivities") or {}
        for activities in context_activities.values():
            for activity in activities:
                found.add(iri_key(activity["id"]))
    return found


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
