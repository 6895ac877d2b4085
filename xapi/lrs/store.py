"""The statement store of the built-in LRS: tables, storing (all-or-nothing per batch, idempotent by
statement id, voiding) and queries (the filters of the Statement Resource, paged by an opaque cursor).

Pure SQLAlchemy Core on ``xapi.db.metadata``; every function takes the caller's session and runs in
its transaction, so the caller decides when to commit.

Each statement is kept whole as JSON text, beside the columns its queries filter on. Identifiers that
can be long (verb and activity IRIs, an agent's identifier) are indexed as SHA-256 digests of a
canonical form, so any length of IRI fits a B-tree. Every statement also gets a row per agent and per
activity it mentions (``xapi_lrs_statement_agent``, ``xapi_lrs_statement_activity``): the
``agent`` filter (actor, object and their group members) and ``related_agents`` /
``related_activities`` are lookups in those.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xapi.db import UTCDateTime, metadata
from xapi.validation import VOIDED, problems

DEFAULT_VERSION = "1.0.0"
MAX_LIMIT = 500
CHUNK = 500
"""Most ids in one ``IN (...)`` list."""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

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
    sa.Index(None, "stored", "id"),
    sa.Index(None, "verb_key", "stored", "id"),
    sa.Index(None, "activity_key", "stored", "id"),
    sa.Index(None, "registration", "stored", "id"),
)
"""One row per stored statement. ``statement`` is the JSON as returned (with ``stored``,
``authority``, ``version`` and ``timestamp`` filled in); ``content_hash`` identifies what was submitted,
normalised, to recognise a re-send; ``voids`` is the target of a voiding statement, ``ref_target``
that of any statement whose object is a StatementRef (queries return those beside the statements
they target)."""

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


class StatementRejected(ValueError):
    """The batch breaks the rules (HTTP 400); nothing of it is stored."""


class StatementConflict(Exception):
    """A statement id is already stored with different content (HTTP 409)."""

    def __init__(self, statement_id: str):
        self.statement_id = statement_id
        super().__init__(f"statement {statement_id} is already stored with different content")


# Keys ---------------------------------------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iri_key(iri: str) -> str:
    """The indexed form of a verb or activity id."""
    return _digest(iri)


def agent_key(agent: Any) -> str | None:
    """The indexed form of an agent's or identified group's inverse functional identifier; None for
    an anonymous group (or anything without an identifier)."""
    if not isinstance(agent, dict):
        return None
    if "mbox" in agent:
        return _digest(f"mbox|{agent['mbox']}")
    if "mbox_sha1sum" in agent:
        return _digest(f"mbox_sha1sum|{str(agent['mbox_sha1sum']).lower()}")
    if "openid" in agent:
        return _digest(f"openid|{agent['openid']}")
    account = agent.get("account")
    if isinstance(account, dict):
        return _digest("account|" + json.dumps([account.get("homePage"), account.get("name")]))
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


def _is_activity(value: Any) -> bool:
    return isinstance(value, dict) and value.get("objectType", "Activity") == "Activity"


def _related_agents(statement: dict) -> dict[str, bool]:
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
    for part in (statement, target if _is_substatement(target) else {}):
        if part is not statement:
            add(part.get("actor"), False)
            if _is_agent(part.get("object")):
                add(part["object"], False)
        context = part.get("context") or {}
        add(context.get("instructor"), False)
        add(context.get("team"), False)
    return found


def _is_substatement(value: Any) -> bool:
    return isinstance(value, dict) and value.get("objectType") == "SubStatement"


def _related_activities(statement: dict) -> set[str]:
    found: set[str] = set()
    target = statement.get("object")
    for part in (statement, target if _is_substatement(target) else {}):
        if _is_activity(part.get("object")):
            found.add(iri_key(part["object"]["id"]))
        context_activities = (part.get("context") or {}).get("contextActivities") or {}
        for activities in context_activities.values():
            for activity in activities:
                found.add(iri_key(activity["id"]))
    return found


# Normalising ----------------------------------------------------------------------------------------


def _normalise(statement: dict) -> dict:
    """A copy as the LRS keeps it: lower-case id; single context activities as arrays of one."""
    statement = copy.deepcopy(statement)
    if isinstance(statement.get("id"), str):
        statement["id"] = statement["id"].lower()
    for part in (statement, statement.get("object")):
        if not isinstance(part, dict):
            continue
        context_activities = (part.get("context") or {}).get("contextActivities")
        if isinstance(context_activities, dict):
            for kind, value in context_activities.items():
                if isinstance(value, dict):
                    context_activities[kind] = [value]
    return statement


def _content_hash(statement: dict) -> str:
    """What makes two submissions of a statement the same: everything but what the LRS sets, with
    the differences the specification calls insignificant taken out (case of UUIDs and language
    tags, how a timestamp is written)."""
    comparable = {
        key: value for key, value in statement.items() if key not in ("stored", "authority", "version")
    }
    comparable = _canonical(comparable)
    return _digest(json.dumps(comparable, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


LANGUAGE_MAPS = {"display", "name", "description"}
UUID_KEYS = {"registration"}


def _canonical(value: Any, parent_key: str = "") -> Any:
    if isinstance(value, list):
        return [_canonical(item, parent_key) for item in value]
    if not isinstance(value, dict):
        return value
    if parent_key in LANGUAGE_MAPS and all(isinstance(text, str) for text in value.values()):
        return {tag.lower(): text for tag, text in value.items()}
    if parent_key == "extensions":
        return value
    result = {}
    for key, item in value.items():
        if key in ("timestamp", "stored") and isinstance(item, str):
            item = _canonical_time(item)
        elif (key in UUID_KEYS or (key == "id" and _looks_like_uuid(item))) and isinstance(item, str):
            item = item.lower()
        else:
            item = _canonical(item, key)
        result[key] = item
    return result


def _looks_like_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and len(value) == 36 and bool(uuid.UUID(value))
    except ValueError:
        return False


def _canonical_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return _iso(moment.astimezone(UTC))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _to_millisecond(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


# Storing ------------------------------------------------------------------------------------------


@dataclass
class _Prepared:
    statement: dict
    content_hash: str


def store_statements(
    session: Session,
    statements_in: list[dict],
    *,
    authority: dict,
    now: datetime,
    version: str = DEFAULT_VERSION,
) -> list[str]:
    """Store a batch: all of it or (raising) none. Returns the statement ids in order.

    Raises ``StatementRejected`` when a statement breaks the data rules or an id is used twice in
    the batch with different content, ``StatementConflict`` when an id is already stored with
    different content. A statement already stored with the same content is not stored again.
    ``version`` is what a statement without one is stored with; "2.0.0" also applies the rules of
    xAPI 2.0 (its context properties; an id used twice in a batch is refused even with the same
    content).
    """
    if not isinstance(statements_in, list):
        raise StatementRejected("expected a statement or an array of statements")
    ids, batch = _prepare(statements_in, version)
    try:
        with session.begin_nested():
            _insert(session, batch, authority, _to_millisecond(now), version)
    except IntegrityError:
        # Somebody stored one of these ids since we looked: look again (now it is a re-send or a
        # conflict, which _insert tells apart).
        with session.begin_nested():
            _insert(session, batch, authority, _to_millisecond(now), version)
    return ids


def _prepare(statements_in: list[Any], version: str) -> tuple[list[str], dict[str, _Prepared]]:
    ids: list[str] = []
    batch: dict[str, _Prepared] = {}
    for index, submitted in enumerate(statements_in):
        found = problems(submitted, version)
        if found:
            raise StatementRejected(f"statement {index} is not valid: " + "; ".join(found))
        statement = _normalise(submitted)
        statement.setdefault("id", str(uuid.uuid4()))
        content_hash = _content_hash(statement)
        earlier = batch.get(statement["id"])
        if earlier is not None and version.startswith("2"):
            raise StatementRejected(
                f"statement {index}: id {statement['id']} is used twice in this batch"
            )
        if earlier is not None and earlier.content_hash != content_hash:
            raise StatementRejected(
                f"statement {index}: id {statement['id']} is used twice in this batch with "
                "different content"
            )
        batch.setdefault(statement["id"], _Prepared(statement, content_hash))
        ids.append(statement["id"])
    return ids, batch


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _insert(
    session: Session, batch: dict[str, _Prepared], authority: dict, now: datetime, version: str
) -> None:
    for chunk in _chunks(list(batch)):
        query = sa.select(statements.c.statement_id, statements.c.content_hash).where(
            statements.c.statement_id.in_(chunk)
        )
        for statement_id, content_hash in session.execute(query):
            if batch[statement_id].content_hash != content_hash:
                raise StatementConflict(statement_id)
            batch = {key: item for key, item in batch.items() if key != statement_id}
    if not batch:
        return
    stored = _iso(now)
    rows, related = [], []
    for prepared in batch.values():
        statement = dict(prepared.statement)
        statement["stored"] = stored
        statement["authority"] = authority
        statement.setdefault("version", version)
        statement.setdefault("timestamp", stored)
        rows.append(_row(statement, prepared.content_hash, now))
        related.append((_related_agents(statement), _related_activities(statement)))
    inserted = session.execute(
        statements.insert().returning(statements.c.id, sort_by_parameter_order=True), rows
    ).all()
    agent_rows, activity_rows = [], []
    for (pk,), (agents, activities) in zip(inserted, related, strict=True):
        agent_rows += [
            {"statement_pk": pk, "agent_key": k, "direct": d, "stored": now} for k, d in agents.items()
        ]
        activity_rows += [{"statement_pk": pk, "activity_key": key, "stored": now} for key in activities]
    if agent_rows:
        session.execute(statement_agents.insert(), agent_rows)
    if activity_rows:
        session.execute(statement_activities.insert(), activity_rows)
    _apply_voiding(session, rows)
    _remember_activities(session, [prepared.statement for prepared in batch.values()])


def _activities_in(statement: dict) -> Iterator[dict]:
    target = statement.get("object")
    for part in (statement, target if _is_substatement(target) else {}):
        if _is_activity(part.get("object")):
            yield part["object"]
        context_activities = (part.get("context") or {}).get("contextActivities") or {}
        for found in context_activities.values():
            yield from found


def _merge_activity(old: dict, new: dict) -> dict:
    merged = {"objectType": "Activity", "id": old["id"]}
    definition = dict(old.get("definition") or {})
    for key, value in (new.get("definition") or {}).items():
        if key in LANGUAGE_MAPS | {"extensions"} and isinstance(definition.get(key), dict):
            definition[key] = {**definition[key], **value}
        else:
            definition[key] = value
    if definition:
        merged["definition"] = definition
    return merged


def _remember_activities(session: Session, stored: list[dict]) -> None:
    """Keep the Activities resource current: add new activities, merge new definitions in."""
    seen: dict[str, dict] = {}
    for statement in stored:
        for activity in _activities_in(statement):
            key = iri_key(activity["id"])
            base = seen.get(key) or {"objectType": "Activity", "id": activity["id"]}
            seen[key] = _merge_activity(base, activity) if "definition" in activity else base
    if not seen:
        return
    known: dict[str, str] = {}
    for chunk in _chunks(list(seen)):
        query = sa.select(activities.c.activity_key, activities.c.activity).where(
            activities.c.activity_key.in_(chunk)
        )
        known.update({key: text for key, text in session.execute(query)})
    new_rows, changed = [], []
    for key, activity in seen.items():
        if key not in known:
            new_rows.append({"activity_key": key, "activity": _dumps(activity)})
            continue
        if "definition" not in activity:
            continue
        old = json.loads(known[key])
        merged = _merge_activity(old, activity)
        if merged != old:
            changed.append({"key": key, "activity": _dumps(merged)})
    if new_rows:
        try:
            with session.begin_nested():
                session.execute(activities.insert(), new_rows)
        except IntegrityError:
            # Another writer added some of them meanwhile: add one by one, skipping those.
            for row in new_rows:
                try:
                    with session.begin_nested():
                        session.execute(activities.insert(), [row])
                except IntegrityError:
                    pass
    if changed:
        session.execute(
            activities.update()
            .where(activities.c.activity_key == sa.bindparam("key"))
            .values(activity=sa.bindparam("activity")),
            changed,
        )


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def get_activity(session: Session, activity_id: str) -> dict | None:
    """The Activities resource: the activity with every definition the LRS has seen for it."""
    text = session.scalar(
        sa.select(activities.c.activity).where(activities.c.activity_key == iri_key(activity_id))
    )
    return None if text is None else json.loads(text)


def save_attachments(session: Session, parts: dict[str, tuple[str, bytes]]) -> None:
    """Keep attachment data (``sha2 -> (content type, bytes)``) not kept yet."""
    if not parts:
        return
    have = set()
    for chunk in _chunks(list(parts)):
        have |= set(session.scalars(sa.select(attachments.c.sha2).where(attachments.c.sha2.in_(chunk))))
    for sha2, (content_type, content) in parts.items():
        if sha2 in have:
            continue
        try:
            with session.begin_nested():
                session.execute(
                    attachments.insert().values(sha2=sha2, content_type=content_type, content=content)
                )
        except IntegrityError:
            pass


def get_attachments(session: Session, sha2s: list[str]) -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    for chunk in _chunks(sorted(set(sha2s))):
        query = sa.select(attachments.c.sha2, attachments.c.content_type, attachments.c.content).where(
            attachments.c.sha2.in_(chunk)
        )
        for sha2, content_type, content in session.execute(query):
            found[sha2] = (content_type, content)
    return found


def _row(statement: dict, content_hash: str, now: datetime) -> dict:
    target = statement["object"]
    verb_id = statement["verb"]["id"]
    return {
        "statement_id": statement["id"],
        "stored": now,
        "verb_key": iri_key(verb_id),
        "activity_key": iri_key(target["id"]) if _is_activity(target) else None,
        "registration": _lower((statement.get("context") or {}).get("registration")),
        "voided": False,
        "voids": _lower(target["id"]) if verb_id == VOIDED else None,
        "ref_target": _lower(target["id"]) if target.get("objectType") == "StatementRef" else None,
        "content_hash": content_hash,
        "statement": json.dumps(statement, ensure_ascii=False, separators=(",", ":")),
    }


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else None


def _apply_voiding(session: Session, rows: list[dict]) -> None:
    """Void the targets of the new voiding statements, and new statements an earlier voiding
    statement was waiting for. A voiding statement is never voided."""
    voided_key = iri_key(VOIDED)
    targets = [row["voids"] for row in rows if row["voids"]]
    new_ids = [row["statement_id"] for row in rows if not row["voids"]]
    for chunk in _chunks(new_ids):
        waiting = sa.select(statements.c.voids).where(statements.c.voids.in_(chunk))
        targets += list(session.scalars(waiting))
    for chunk in _chunks(sorted(set(targets))):
        session.execute(
            statements.update()
            .where(statements.c.statement_id.in_(chunk), statements.c.verb_key != voided_key)
            .values(voided=True)
        )


# Reading ------------------------------------------------------------------------------------------


def get_statement(session: Session, statement_id: str, voided: bool = False) -> dict | None:
    """The statement with this id; a voided one only with ``voided=True`` (and then only a voided
    one), as ``statementId`` and ``voidedStatementId`` ask."""
    query = sa.select(statements.c.statement).where(
        statements.c.statement_id == statement_id.lower(), statements.c.voided.is_(voided)
    )
    text = session.scalar(query)
    return None if text is None else json.loads(text)


def query_statements(
    session: Session,
    *,
    agent: dict | None = None,
    verb: str | None = None,
    activity: str | None = None,
    registration: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = MAX_LIMIT,
    ascending: bool = False,
    related_activities: bool = False,
    related_agents: bool = False,
    after: str | None = None,
) -> tuple[list[dict], str | None]:
    """Statements that are not voided and match every filter, by ``stored`` (newest first unless
    ``ascending``), at most ``limit`` (at most and by default ``MAX_LIMIT``; 0 means that too).
    Returns them and a cursor for the next page (``after``), or None when there is none.

    ``since`` is exclusive and ``until`` inclusive. With any of the filters agent, verb, activity
    and registration, statements whose object is a StatementRef to a matching statement (voided or
    not) are returned too, as the specification asks. Raises ValueError for an agent without an
    identifier or a cursor this function did not make.
    """
    limit = MAX_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
    target = statements.alias("target")
    own = _filters(statements, agent, verb, activity, registration, related_activities, related_agents)
    c = statements.c
    # With an agent or related-activities filter the page is read in order off the link table's
    # (key, stored, statement_pk) index; otherwise off the statement table's (…, stored, id) ones.
    link, link_key, link_where = None, None, []
    if agent is not None:
        link, link_key = statement_agents, agent_key(agent)
        if not related_agents:
            link_where.append(statement_agents.c.direct.is_(True))
    elif activity is not None and related_activities:
        link, link_key = statement_activities, iri_key(activity)
    if link is not None:
        key_column = link.c.agent_key if link is statement_agents else link.c.activity_key
        stored_column, id_column = link.c.stored, link.c.statement_pk
        driven = _filters(
            statements,
            None if link is statement_agents else agent,
            verb,
            None if link is statement_activities else activity,
            registration,
            related_activities,
            related_agents,
        )
        source = link.join(statements, c.id == link.c.statement_pk)
        main_where = [key_column == link_key, *link_where, *driven]
    else:
        stored_column, id_column = c.stored, c.id
        source = statements
        main_where = own

    def window_on(stored_at, row_id) -> list:
        found = []
        if since is not None:
            found.append(stored_at > since)
        if until is not None:
            found.append(stored_at <= until)
        if after is not None:
            stored, pk = parse_cursor(after)
            # The plain bound first, so the (…, stored, id) indexes give the range.
            if ascending:
                found += [stored_at >= stored, sa.or_(stored_at > stored, row_id > pk)]
            else:
                found += [stored_at <= stored, sa.or_(stored_at < stored, row_id < pk)]
        return found

    def order_on(stored_at, row_id) -> tuple:
        if ascending:
            return stored_at.asc(), row_id.asc()
        return stored_at.desc(), row_id.desc()

    columns = (c.id, c.stored, c.statement)
    main = (
        sa.select(*columns)
        .select_from(source)
        .where(c.voided.is_(False), *main_where, *window_on(stored_column, id_column))
        .order_by(*order_on(stored_column, id_column))
        .limit(limit + 1)
    )
    rows = list(session.execute(main))
    window = [c.voided.is_(False), *window_on(c.stored, c.id)]
    order = order_on(c.stored, c.id)
    if own:
        # Statements referring to a matching one, merged into the page in order. Driven from the
        # StatementRef statements (few, on the ref_target index) and checking each one's target,
        # so the cost follows their number, not the number of statements matching the filters.
        theirs = _filters(
            target, agent, verb, activity, registration, related_activities, related_agents
        )
        referrer = statements.alias("referrer")
        matching_target = sa.exists(
            sa.select(1)
            .select_from(target)
            .where(target.c.statement_id == referrer.c.ref_target, *theirs)
        )
        referring_ids = sa.select(referrer.c.id).where(
            referrer.c.ref_target.is_not(None), matching_target
        )
        referring = (
            sa.select(*columns).where(c.id.in_(referring_ids), *window).order_by(*order).limit(limit + 1)
        )
        have = {row.id for row in rows}
        extra = [row for row in session.execute(referring) if row.id not in have]
        if extra:
            rows = sorted(rows + extra, key=lambda row: (row.stored, row.id), reverse=not ascending)
    page, rest = rows[:limit], rows[limit:]
    cursor = make_cursor(page[-1].stored, page[-1].id) if rest else None
    return [json.loads(row.statement) for row in page], cursor


def _filters(
    table: sa.Table | sa.Alias,
    agent: dict | None,
    verb: str | None,
    activity: str | None,
    registration: str | None,
    related_activities: bool,
    related_agents: bool,
) -> list:
    c = table.c
    found: list = []
    if agent is not None:
        key = agent_key(agent)
        if key is None:
            raise ValueError("the agent filter needs an Agent or an identified Group")
        matches = sa.select(statement_agents.c.statement_pk).where(statement_agents.c.agent_key == key)
        if not related_agents:
            matches = matches.where(statement_agents.c.direct.is_(True))
        found.append(c.id.in_(matches))
    if verb is not None:
        found.append(c.verb_key == iri_key(verb))
    if activity is not None:
        if related_activities:
            related = sa.select(statement_activities.c.statement_pk).where(
                statement_activities.c.activity_key == iri_key(activity)
            )
            found.append(c.id.in_(related))
        else:
            found.append(c.activity_key == iri_key(activity))
    if registration is not None:
        found.append(c.registration == registration.lower())
    return found


def make_cursor(stored: datetime, pk: int) -> str:
    return f"{(stored - EPOCH) // timedelta(microseconds=1)}.{pk}"


def parse_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        micros, pk = (int(part) for part in cursor.split("."))
    except (AttributeError, TypeError, ValueError):
        raise ValueError("not a cursor of this LRS") from None
    return EPOCH + timedelta(microseconds=micros), pk


def statement_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(statements)) or 0
