"""Storing statements in the built-in LRS: all-or-nothing per batch, idempotent by statement id,
voiding, the Activities resource kept current, attachment data kept once.

Every function takes the caller's session and runs in its transaction, so the caller decides when
to commit. The tables and keys are ``xapi.lrs.tables``; reading is ``xapi.lrs.queries``.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xapi.lrs.tables import (
    activities,
    attachments,
    chunks,
    digest,
    iri_key,
    is_activity,
    is_substatement,
    related_activities,
    related_agents,
    statement_activities,
    statement_agents,
    statements,
)
from xapi.validation import VOIDED, problems

DEFAULT_VERSION = "1.0.0"


class StatementRejected(ValueError):
    """The batch breaks the rules (HTTP 400); nothing of it is stored."""


class StatementConflict(Exception):
    """A statement id is already stored with different content (HTTP 409)."""

    def __init__(self, statement_id: str):
        self.statement_id = statement_id
        super().__init__(f"statement {statement_id} is already stored with different content")


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
    return digest(json.dumps(comparable, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


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
    stored_by: str | None = None,
    define: bool = True,
) -> list[str]:
    """Store a batch: all of it or (raising) none. Returns the statement ids in order.

    ``stored_by``: the key storing it (None: the platform itself). Without ``define`` the
    statements are stored but the activity definitions they carry do not change the Activities
    resource (xAPI's ``define`` scope).

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
            _insert(
                session, batch, _Storing(authority, _to_millisecond(now), version, stored_by, define)
            )
    except IntegrityError:
        # Somebody stored one of these ids since we looked: look again (now it is a re-send or a
        # conflict, which _insert tells apart).
        with session.begin_nested():
            _insert(
                session, batch, _Storing(authority, _to_millisecond(now), version, stored_by, define)
            )
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


@dataclass(frozen=True)
class _Storing:
    """How a batch is stored: what ``store_statements`` was told besides the statements."""

    authority: dict
    now: datetime
    version: str
    stored_by: str | None
    define: bool


def _insert(session: Session, batch: dict[str, _Prepared], storing: _Storing) -> None:
    for chunk in chunks(list(batch)):
        query = sa.select(statements.c.statement_id, statements.c.content_hash).where(
            statements.c.statement_id.in_(chunk)
        )
        for statement_id, content_hash in session.execute(query):
            if batch[statement_id].content_hash != content_hash:
                raise StatementConflict(statement_id)
            batch = {key: item for key, item in batch.items() if key != statement_id}
    if not batch:
        return
    now = storing.now
    stored = _iso(now)
    rows, related = [], []
    for prepared in batch.values():
        statement = dict(prepared.statement)
        statement["stored"] = stored
        statement["authority"] = storing.authority
        statement.setdefault("version", storing.version)
        statement.setdefault("timestamp", stored)
        rows.append({**_row(statement, prepared.content_hash, now), "stored_by": storing.stored_by})
        related.append((related_agents(statement), related_activities(statement)))
    inserted = session.execute(
        statements.insert().returning(statements.c.id, sort_by_parameter_order=True), rows
    ).all()
    agent_rows, activity_rows = [], []
    for (pk,), (agents, activity_keys) in zip(inserted, related, strict=True):
        agent_rows += [
            {"statement_pk": pk, "agent_key": k, "direct": d, "stored": now} for k, d in agents.items()
        ]
        activity_rows += [
            {"statement_pk": pk, "activity_key": key, "stored": now} for key in activity_keys
        ]
    if agent_rows:
        session.execute(statement_agents.insert(), agent_rows)
    if activity_rows:
        session.execute(statement_activities.insert(), activity_rows)
    _apply_voiding(session, rows)
    if storing.define:
        _remember_activities(session, [prepared.statement for prepared in batch.values()])


def _activities_in(statement: dict) -> Iterator[dict]:
    target = statement.get("object")
    for part in (statement, target if is_substatement(target) else {}):
        if is_activity(part.get("object")):
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
    for chunk in chunks(list(seen)):
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


def save_attachments(session: Session, parts: dict[str, tuple[str, bytes]]) -> None:
    """Keep attachment data (``sha2 -> (content type, bytes)``) not kept yet."""
    if not parts:
        return
    have = set()
    for chunk in chunks(list(parts)):
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


def _row(statement: dict, content_hash: str, now: datetime) -> dict:
    target = statement["object"]
    verb_id = statement["verb"]["id"]
    return {
        "statement_id": statement["id"],
        "stored": now,
        "verb_key": iri_key(verb_id),
        "activity_key": iri_key(target["id"]) if is_activity(target) else None,
        "registration": _lower((statement.get("context") or {}).get("registration")),
        "voided": False,
        "voids": _lower(target["id"]) if verb_id == VOIDED else None,
        "ref_target": _lower(target["id"]) if target.get("objectType") == "StatementRef" else None,
        "content_hash": content_hash,
        "statement": json.dumps(statement, ensure_ascii=False, separators=(",", ":")),
    }


def voids(statement: Any) -> bool:
    """Whether ``statement`` (as submitted, not yet checked) voids another one."""
    return (
        isinstance(statement, dict)
        and isinstance(statement.get("verb"), dict)
        and statement["verb"].get("id") == VOIDED
        and isinstance(statement.get("object"), dict)
    )


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else None


def _apply_voiding(session: Session, rows: list[dict]) -> None:
    """Void the targets of the new voiding statements, and new statements an earlier voiding
    statement was waiting for. A voiding statement is never voided."""
    voided_key = iri_key(VOIDED)
    targets = [row["voids"] for row in rows if row["voids"]]
    new_ids = [row["statement_id"] for row in rows if not row["voids"]]
    for chunk in chunks(new_ids):
        waiting = sa.select(statements.c.voids).where(statements.c.voids.in_(chunk))
        targets += list(session.scalars(waiting))
    for chunk in chunks(sorted(set(targets))):
        session.execute(
            statements.update()
            .where(statements.c.statement_id.in_(chunk), statements.c.verb_key != voided_key)
            .values(voided=True)
        )
