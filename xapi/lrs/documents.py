"""The document resources of the built-in LRS: State, Activity Profile and Agent Profile.

One table holds all three kinds. A document is found by its kind, the activity and agent it belongs
to (as the SHA-256 keys ``xapi.lrs.tables`` indexes statements by; empty where the kind has none),
the registration (empty when none) and its own id (also as a digest, so any length of id fits the
unique index). The content is kept as bytes with its content type; the ETag is the SHA-1 of the
content, as xAPI 1.0.3 describes it.

Pure SQLAlchemy Core on ``xapi.db.metadata``; functions take the caller's session and run in its
transaction. Concurrency (If-Match, If-None-Match) is decided by the caller with ``etag``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xapi import bounded_json
from xapi.db import UTCDateTime, metadata

STATE = "state"
ACTIVITY_PROFILE = "activity_profile"
AGENT_PROFILE = "agent_profile"
JSON_TYPE = "application/json"

documents = sa.Table(
    "xapi_lrs_document",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("activity_key", sa.String(64), nullable=False),
    sa.Column("agent_key", sa.String(64), nullable=False),
    sa.Column("registration", sa.String(36), nullable=False),
    sa.Column("document_key", sa.String(64), nullable=False),
    sa.Column("document_id", sa.Text, nullable=False),
    sa.Column("content_type", sa.String(255), nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("etag", sa.String(40), nullable=False),
    sa.Column("updated", UTCDateTime, nullable=False),
    sa.Column("owner", sa.String(64), nullable=True),
    sa.UniqueConstraint("kind", "activity_key", "agent_key", "registration", "document_key"),
)
"""Every stored document. The unique constraint's index also serves the listing of a place's ids
(``since`` filters those few rows). ``owner`` is the key of the client that created the document
(None for the platform's own and for documents older than the column)."""


class NotJsonDocument(ValueError):
    """A merge (POST) where one of the two documents is not a JSON object (HTTP 400)."""


class OtherOwner(PermissionError):
    """A write to a document id another client's key created, by a key limited to its own (403)."""


@dataclass(frozen=True)
class Place:
    """Where documents live: kind, activity, agent and registration (keys; empty when none), as
    seen by ``owner``: a key limited to its own documents sees, replaces and deletes only those it
    created; None sees every document of the place."""

    kind: str
    activity_key: str = ""
    agent_key: str = ""
    registration: str = ""
    owner: str | None = None

    def where(self) -> list:
        c = documents.c
        conditions = [
            c.kind == self.kind,
            c.activity_key == self.activity_key,
            c.agent_key == self.agent_key,
            c.registration == self.registration,
        ]
        if self.owner is not None:
            conditions.append(c.owner == self.owner)
        return conditions


@dataclass(frozen=True)
class Document:
    document_id: str
    content_type: str
    content: bytes
    etag: str
    updated: datetime


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # an ETag, not a security measure


def get(session: Session, place: Place, document_id: str) -> Document | None:
    c = documents.c
    row = session.execute(
        sa.select(c.document_id, c.content_type, c.content, c.etag, c.updated).where(
            *place.where(), c.document_key == _digest(document_id)
        )
    ).first()
    return None if row is None else Document(*row)


def ids(session: Session, place: Place, since: datetime | None = None) -> list[str]:
    c = documents.c
    query = sa.select(c.document_id).where(*place.where())
    if since is not None:
        query = query.where(c.updated > since)
    return list(session.scalars(query.order_by(c.updated, c.id)))


def last_updated(session: Session, place: Place, since: datetime | None = None) -> datetime | None:
    c = documents.c
    query = sa.select(sa.func.max(c.updated)).where(*place.where())
    if since is not None:
        query = query.where(c.updated > since)
    return session.scalar(query)


def put(
    session: Session, place: Place, document_id: str, content: bytes, content_type: str, now: datetime
) -> str:
    """Store (create or replace) the document; returns its new ETag. Raises ``OtherOwner`` when
    the place is seen by an owner and another client's key holds that document id."""
    c = documents.c
    etag = etag_of(content)
    values = {"content_type": content_type, "content": content, "etag": etag, "updated": now}
    key = _digest(document_id)
    done = session.execute(
        documents.update().where(*place.where(), c.document_key == key).values(**values)
    )
    if done.rowcount:
        return etag
    try:
        with session.begin_nested():
            session.execute(
                documents.insert().values(
                    kind=place.kind,
                    activity_key=place.activity_key,
                    agent_key=place.agent_key,
                    registration=place.registration,
                    document_key=key,
                    document_id=document_id,
                    owner=place.owner,
                    **values,
                )
            )
    except IntegrityError:
        # Created by somebody else since we looked: the last write wins, as with an update; but a
        # key limited to its own documents does not overwrite another client's.
        done = session.execute(
            documents.update().where(*place.where(), c.document_key == key).values(**values)
        )
        if not done.rowcount:
            raise OtherOwner(f"another client holds the document {document_id}") from None
    return etag


def merge(
    session: Session,
    place: Place,
    document_id: str,
    content: bytes,
    content_type: str,
    now: datetime,
    existing: Document | None,
) -> str:
    """POST: store the document when there is none; otherwise merge the two JSON objects (the new
    one's top-level properties win). Raises ``NotJsonDocument`` when a merge is impossible."""
    if existing is None:
        if is_json(content_type):
            _json_object(content)
        return put(session, place, document_id, content, content_type, now)
    if not is_json(content_type) or not is_json(existing.content_type):
        raise NotJsonDocument("both documents must be application/json to be merged")
    merged = {**_json_object(existing.content), **_json_object(content)}
    body = json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return put(session, place, document_id, body, JSON_TYPE, now)


def delete(session: Session, place: Place, document_id: str | None = None) -> int:
    """Delete one document, or (``document_id`` None) every document of the place."""
    query = documents.delete().where(*place.where())
    if document_id is not None:
        query = query.where(documents.c.document_key == _digest(document_id))
    return session.execute(query).rowcount or 0


def is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == JSON_TYPE


def _json_object(content: bytes) -> dict[str, Any]:
    try:
        value = bounded_json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise NotJsonDocument("the document is not valid JSON") from None
    if not isinstance(value, dict):
        raise NotJsonDocument("the document is not a JSON object")
    return value
