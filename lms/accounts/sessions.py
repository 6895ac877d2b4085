"""Sign-in sessions, kept on the server so that they end when they should: signing out ends this
one, a password change every other one of the person's, deactivation and erasure all of them.

The cookie (Flask's signed session) holds ``<session id>:<secret>`` as Flask-Login's user id, and
when the session was last seen (``SEEN_KEY``, seconds since the epoch). The ``sign_in_sessions``
row holds a hash of the secret and when the session began. A session is over when its row is gone,
when it has been idle for longer than ``LMS_SESSION_IDLE_HOURS`` or when it began more than
``LMS_SESSION_MAX_HOURS`` ago. The last-seen time lives in the cookie, rewritten at most every
``SEEN_EVERY``, so that keeping a session alive costs no database write; the cookie is signed, so
it cannot be moved forward by hand, and a copy of it left unused goes idle on its own.

Functions flush; the caller commits.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict
from sqlalchemy.orm.util import identity_key

from lms import signals
from lms.accounts.models import SignInSession
from lms.core.driver import driver_work
from lms.core.time import local_today
from lms.db import utcnow
from lms.extensions import db, join_the_session
from lms.organisation.models import Person, Role, RoleAssignment

SEEN_KEY = "seen"
SEEN_EVERY = timedelta(minutes=5)
"""How stale the cookie's last-seen time may get before a request writes it again."""
FLASK_LOGIN_KEY = "_user_id"


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    longest: timedelta

    @classmethod
    def configured(cls, config: Mapping | None = None) -> Lifetime:
        config = current_app.config if config is None else config
        return cls(
            idle=timedelta(hours=config["SESSION_IDLE_HOURS"]),
            longest=timedelta(hours=config["SESSION_MAX_HOURS"]),
        )

    def holds(self, began: datetime, seen: datetime, now: datetime) -> bool:
        """Whether a session that began at ``began`` and was last seen at ``seen`` still runs."""
        return now - seen <= self.idle and now - began <= self.longest


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def moment(stamp: object) -> datetime | None:
    return datetime.fromtimestamp(stamp, UTC) if isinstance(stamp, int) else None


def _parse(cookie_id: str | None) -> tuple[int, str] | None:
    session_id, _, secret = (cookie_id or "").partition(":")
    if not session_id.isdigit() or not secret:
        return None
    return int(session_id), secret


def start_session(person: Person, method: str) -> None:
    """Sign ``person`` in on this browser, however they proved who they are (``method``:
    ``"password"``, ``"link"``, ``"sms"``, ``"code"`` or ``"sso"``): every way of signing in ends
    here."""
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    row = SignInSession(person=person, secret_hash=_digest(secret), method=method, created_at=now)
    db.session.add(row)
    db.session.flush()
    person.signed_in_session = f"{row.id}:{secret}"
    login_user(person)
    session[SEEN_KEY] = _stamp(now)
    signals.person_signed_in.send(current_app._get_current_object(), person=person, method=method)


_person_queries: dict[tuple[int, ...], sa.Select] = {}
KEPT_QUERIES = 16
_PERSON_COLUMNS = tuple(
    (attribute.key, attribute.columns[0]) for attribute in sa.inspect(Person).column_attrs
)
"""(attribute, column) of each of the person's columns, in the order the person's query reads them."""
_SESSION_COLUMNS = 4
"""After the person's columns: the session's secret hash and start, a role and its unit."""


def _person_of_session() -> tuple[sa.Select, tuple[str, ...]]:
    """The query of every request made by someone signed in, with the names of the facts the
    features read along (``signals.read_with_signed_in_person``). Built once for the same facts
    (building a statement costs about as much as running this one), the session's id bound when it
    runs. It reads columns, one row per role held: the person's (``_PERSON_COLUMNS``), the
    session's, the role's and the facts."""
    facts = tuple(
        signals.values_from_signal(
            signals.read_with_signed_in_person.send(current_app._get_current_object())
        )
    )
    names = tuple(name for name, _expression in facts)
    key = tuple(id(expression) for _name, expression in facts)
    query = _person_queries.get(key)
    if query is None:
        query = (
            sa.select(
                *(column for _key, column in _PERSON_COLUMNS),
                SignInSession.secret_hash,
                SignInSession.created_at,
                RoleAssignment.role,
                RoleAssignment.unit_id,
                *(expression for _name, expression in facts),
            )
            .join(SignInSession, SignInSession.person_id == Person.id)
            .outerjoin(RoleAssignment, RoleAssignment.person_id == Person.id)
            .where(SignInSession.id == sa.bindparam("session_id"))
        )
        if len(_person_queries) < KEPT_QUERIES:
            _person_queries[key] = query  # keeps the expressions alive, so their ids stay theirs
    return query, names


def _person_from(row: tuple) -> Person:
    """The person of the query's ``row`` in the request's session, as if the ORM had loaded them:
    the one already there (an object in the session is never read twice), else one made from the
    row's columns and added as loaded (``make_transient_to_detached``: nothing to write), to the
    session when the request makes it (``join_the_session``). Its roles load when first used in
    the session, not before: code that may be a request's first read puts the person there first
    (``in_the_session``). Loading the same row through the ORM's query cost the request more CPU
    than running the query."""
    values = dict(zip((key for key, _column in _PERSON_COLUMNS), row, strict=False))
    if db.session.registry.has():
        found = db.session.identity_map.get(identity_key(Person, values["id"]))
        if found is not None:
            return found
    person = Person.__mapper__.class_manager.new_instance()
    instance_dict(person).update(values)
    make_transient_to_detached(person)
    join_the_session(person)
    return person


class SignedIn(NamedTuple):
    person: Person
    roles: list[tuple[Role, int]]
    """The (role, unit id) pairs the person holds."""
    facts: dict[str, object]
    """What the features read along (``signals.read_with_signed_in_person``), by name."""


def signed_in_person(cookie_id: str) -> SignedIn | None:
    """The person of the cookie's session, if it still runs and they may sign in today (active,
    their end date not come), with the (role, unit id) pairs they hold and the facts the features
    read along, all in the same query. Notes in the cookie that the session was seen now (at most
    every ``SEEN_EVERY``)."""
    parsed = _parse(cookie_id)
    seen = moment(session.get(SEEN_KEY))
    if parsed is None or seen is None:
        return None
    session_id, secret = parsed
    query, names = _person_of_session()
    with driver_work() as work:
        rows = work.all(query, {"session_id": session_id})
    if not rows:
        return None
    person = _person_from(rows[0])
    secret_hash, began, *_role = rows[0][len(_PERSON_COLUMNS) :]
    now = utcnow()
    if not person.may_sign_in(local_today(now)):
        return None
    if not secrets.compare_digest(secret_hash, _digest(secret)):
        return None
    if not Lifetime.configured().holds(began, seen, now):
        return None
    if now - seen >= SEEN_EVERY:
        session[SEEN_KEY] = _stamp(now)
    person.signed_in_session = cookie_id
    role_at = len(_PERSON_COLUMNS) + 2
    roles = [(row[role_at], row[role_at + 1]) for row in rows if row[role_at] is not None]
    facts = rows[0][len(_PERSON_COLUMNS) + _SESSION_COLUMNS :]
    return SignedIn(person, roles, dict(zip(names, facts, strict=True)))


class RunningSession(NamedTuple):
    person_id: int
    began: datetime


def running_session(cookie_id: str) -> RunningSession | None:
    """The cookie's session's person and when it began, if its row is there, the secret matches
    and its person may sign in today; else None. For a check made ahead of Flask
    (``lms.learning.ahead``), which holds the answer a few seconds and checks the session's
    lifetime itself (``Lifetime.holds``)."""
    parsed = _parse(cookie_id)
    if parsed is None:
        return None
    session_id, secret = parsed
    row = db.session.execute(
        sa.select(Person, SignInSession.secret_hash, SignInSession.created_at)
        .join(SignInSession, SignInSession.person_id == Person.id)
        .where(SignInSession.id == session_id)
    ).first()
    if row is None or not row.Person.may_sign_in(local_today(utcnow())):
        return None
    if not secrets.compare_digest(row.secret_hash, _digest(secret)):
        return None
    return RunningSession(row.Person.id, row.created_at)


def _current_session_id() -> int | None:
    parsed = _parse(session.get(FLASK_LOGIN_KEY))
    return parsed[0] if parsed else None


def end_this_session() -> None:
    """End the session of this browser's cookie on the server (signing out): a copy of the cookie
    no longer signs anyone in."""
    session_id = _current_session_id()
    if session_id is not None:
        db.session.execute(sa.delete(SignInSession).where(SignInSession.id == session_id))


def end_other_sessions(person: Person) -> None:
    """End every session of ``person`` but this browser's (after they changed their password)."""
    others = sa.delete(SignInSession).where(SignInSession.person_id == person.id)
    session_id = _current_session_id()
    if session_id is not None:
        others = others.where(SignInSession.id != session_id)
    db.session.execute(others)


def sign_out_everywhere(person: Person) -> None:
    """End every session of ``person`` on every device."""
    db.session.execute(sa.delete(SignInSession).where(SignInSession.person_id == person.id))


def prune_sessions(now: datetime | None = None) -> int:
    """Delete sessions older than ``LMS_SESSION_MAX_HOURS`` (over in any case); returns how many."""
    cutoff = (now or utcnow()) - Lifetime.configured().longest
    result = db.session.execute(sa.delete(SignInSession).where(SignInSession.created_at < cutoff))
    return result.rowcount or 0


@functools.lru_cache(maxsize=1024)
def browser_identifier(address: str | None, user_agent: str | None) -> str:
    """Flask-Login's identifier of a browser at ``address`` (the first of a forwarded list) with
    ``user_agent``: a SHA-512 of the two, worked out once per process for each pair."""
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    agent = user_agent.encode("utf-8") if user_agent is not None else None
    return hashlib.sha512(f"{address}|{agent}".encode()).hexdigest()
