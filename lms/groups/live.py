"""How the phones in a group run follow the shared screen: a poll that costs what a bare endpoint costs.

The phone asks ``/groups/live/<token>`` every 0.45-0.75 s (``group.js``: 0.6 s with jitter, so 200
phones do not fall into step, and at once when the page is shown again). The answer is
``{"revision", "position", "status"}`` with an ETag, so an unchanged state is a 304 with no body.
When the revision or the status changes, an open phone that held the old state gets its new card
in the same answer (``"card"``): the card rendered once per process for the run, revision, card
and language, filled in with the phone's participant id, into whose forms ``group.js`` puts its
page's CSRF token (``lms.groups.live_card``, which argues it). A phone that answered that card,
left, or whose run closed gets no card and fetches what it is shown from
``/groups/live/<token>/card?revision=<n>``, which sends it on to its signed-in fragment
(``/groups/me/<id>?fragment=1``): a person's answer is only shown through their own sign-in.

Both the poll (``answer_poll``) and the fetch of a card the process has rendered are answered
ahead of Flask, by a WSGI middleware in front of ``app.wsgi_app`` (``lms.groups.live_wsgi``, which
argues it): through Flask's request handling a poll cost about twice what it costs now, and
Flask's handling, not the poll, was most of it. Most polls (a phone holding the current state, a
token the process has verified, a fresh copy of the run) are answered by ``unchanged`` from the
process's memory alone, without even an app context.

Why the card rides on the poll's answer: at a card change every phone needs it within the same
0.75 s, and as a second request it cost each phone one more round trip (latency) and the server
one more request through gunicorn (about 0.6 ms of CPU each, more than the card's own look-up
and string join): 200 of the about 530 requests in the second after a change, with 200 phones.
It comes only to a phone that sent an ETag (it held an older state and will swap its card in),
so a page's first poll, which has its card, carries none.

Why that poll is cheap:

- **No sign-in, no session.** The token names the participant and the run, signed with the app's
  secret (``itsdangerous``, salt ``lms.groups.live``) and valid for ``TOKEN_HOURS``. It is issued
  with every full load of the phone's page, which *is* signed in (``for_owner``), so it only ever
  reaches the person the participation belongs to; the phone sends it without cookies
  (``credentials: "omit"``), so Flask-Login, the session cookie and the ORM stay out of the poll. A
  forged or expired token gets 403 and the phone reloads its page (and with it a new token, or the
  sign-in page). What the token gives away if it leaks is the run's card number and whether it is
  open: nothing about anyone's answers.
- **The run's state is held where it is cheap to read.** Each process keeps, per run, the revision,
  the position, whether it is closed and which participants have left (``RunState``), read with one
  statement on the run's primary key (``read_state``), for at most ``FRESH_FOR`` seconds.
  Within that, a poll costs no query at all; after it, one thread re-reads while the others keep
  answering from the old state (no stampede at expiry).

Why a per-process cache with a short lifetime, and not something else:

- The platform runs under gunicorn with several worker processes (DESIGN.md §6), often on more than
  one host. A value held only in memory would be right in the process that moved the card and wrong in
  every other one. So every process re-reads the database, which every process shares, at most
  ``1 / FRESH_FOR`` times a second per open run (a few tiny indexed reads a second, whatever the
  number of phones): the other processes see a change within ``FRESH_FOR``. The process that made
  the change forgets its copy as soon as the change is *committed* (``_forget_committed_runs``,
  a session event; forgetting before the commit could let a poll read and keep the old row), so there
  the change shows at once; that is also what a single-process server and the tests see.
- A push channel (server-sent events, WebSockets) would hold one connection per phone open: 200
  phones need 200 threads in gunicorn's threaded workers, or an evented worker (gevent) under the
  whole platform, with its own rules for the database drivers and the scheduler. Phones lock their
  screens and drop such connections anyway, and proxies buffer them. A conditional GET works with
  any worker class, any proxy and any number of processes, and a locked phone simply stops asking.
- A message broker (Redis) or PostgreSQL ``LISTEN/NOTIFY`` would tell the processes about a change
  without the re-read, but needs a server the platform does not otherwise have (Redis), or a
  listening connection and thread in each process, and works on PostgreSQL only; the re-read it
  saves costs well under one per cent of a core.

The latency a phone sees is its poll interval (0.45-0.75 s) plus at most ``FRESH_FOR`` plus the
fetch of its new card: ``bench/group_run.py`` measures the share of 50, 100 and 200 phones that
have the new card within a second, and the server's CPU while they poll (docs/group-runs-live.md).

That the phone is still there (``GroupParticipant.last_seen_at``, which decides who counts as gone
when the run closes) is remembered in the process and written for all the phones it has heard from
in one statement, at most every ``services.SEEN_EVERY`` per process, by the poll that finds the
time has come (``RunStates.note_seen`` / ``write_seen``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.http import parse_etags, quote_etag

from lms.db import utcnow
from lms.extensions import db
from lms.groups.models import GroupParticipant, GroupRun
from lms.groups.services import CODE_HOURS, SEEN_EVERY

FRESH_FOR = 0.15
"""Seconds a process answers from its copy of a run's state before it reads the database again."""
TOKEN_HOURS = CODE_HOURS
"""How long a phone's token works; the phone gets a new one with every load of its page."""
TOKEN_SALT = "lms.groups.live"
MAX_TOKENS = 20_000
"""Verified tokens a process remembers (one per phone it serves) before it starts afresh."""
EXTENSION = "lms.groups.live"
POLL_PATH = "/groups/live/"
"""Where the phones poll: ``POLL_PATH`` and the token (the route, and what ``live_wsgi`` answers)."""
_CHANGED = "lms.groups.live.changed"
"""``Session.info`` key: the runs whose phones must be told, once the session commits."""


# The token ----------------------------------------------------------------------------------------


def token_for(participant: GroupParticipant) -> str:
    """The token the participant's phone polls with."""
    return states().serializer.dumps([participant.id, participant.run_id])


def read_token(token: str) -> tuple[int, int] | None:
    """(participant id, run id) from a token this app issued less than ``TOKEN_HOURS`` ago; None
    for a forged, damaged or expired one. A phone sends the same token every poll, so a verified
    one is remembered (with when it was issued) and only its age is checked again."""
    run_states = states()
    found = run_states.known(token)
    if found is not None:
        return found
    verified = _verify(token)
    if verified is None:
        return None
    known = run_states.tokens
    if len(known) >= MAX_TOKENS:
        known.clear()
    known[token] = verified
    return run_states.known(token)


def _verify(token: str) -> tuple[int, int, float] | None:
    try:
        payload, issued = states().serializer.loads(
            token, max_age=TOKEN_HOURS * 3600, return_timestamp=True
        )
        participant_id, run_id = payload
    except (BadSignature, TypeError, ValueError):
        return None
    if not (isinstance(participant_id, int) and isinstance(run_id, int)):
        return None
    return participant_id, run_id, issued.timestamp()


# The poll's answer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollAnswer:
    """What a poll is answered: 200 with the state as JSON, 304 when the phone has it already,
    403 for a token that is refused, 404 for a run that is gone."""

    status: int
    etag: str | None = None
    body: bytes = b""

    def headers(self) -> list[tuple[str, str]]:
        """The answer's own headers (the security headers are added by whoever sends it)."""
        headers = [("Cache-Control", "no-cache, private")]
        if self.etag is not None:
            headers.append(("ETag", quote_etag(self.etag)))
        if self.status == 200:
            headers.append(("Content-Type", "application/json"))
        return headers


CardOf = Callable[[int, int, "RunState"], str | None]
"""(participant id, run id, the run's state) -> the phone's new card as HTML, or None when the
phone is to fetch it (``live_card.card_with_poll``)."""


def answer_poll(token: str, if_none_match: str | None, card_of: CardOf | None = None) -> PollAnswer:
    """The answer to a phone's poll with ``token`` and the ETag it holds (``If-None-Match``).
    A phone that held an older state and is open gets its new card in the answer (``"card"``,
    from ``card_of``) when there is one for it: one request per phone at a card change, not two.
    Needs an app context, no request: no session, no sign-in, no ORM object."""
    found = read_token(token)
    if found is None:
        return PollAnswer(403)
    participant_id, run_id = found
    run_states = states()
    if run_states.seen_due():
        run_states.write_seen()
    state = run_states.state_of(run_id)
    if state is None:
        return PollAnswer(404)
    run_states.note_seen(participant_id)
    status = state.status_of(participant_id)
    etag = state.etag_of(run_id, participant_id)
    if if_none_match and parse_etags(if_none_match).contains(etag):
        return PollAnswer(304, etag)
    body: dict[str, object] = {
        "revision": state.revision,
        "position": state.position,
        "status": status,
    }
    if if_none_match and status == "open" and card_of is not None:
        card = card_of(participant_id, run_id, state)
        if card is not None:
            body["card"] = card
    return PollAnswer(200, etag, json.dumps(body, separators=(",", ":")).encode())


def unchanged(run_states: RunStates, token: str, if_none_match: str) -> PollAnswer | None:
    """The 304 for a phone that holds the run's current state, when this process can tell from
    memory alone: a token it has verified, a copy of the run's state younger than ``FRESH_FOR``,
    no write of who was seen due, and ``If-None-Match`` exactly the ETag the phone was given.
    Needs no app context: it is most polls, answered without one (``live_wsgi``). None: the
    poll needs ``answer_poll``."""
    found = run_states.known(token)
    if found is None:
        return None
    participant_id, run_id = found
    state = run_states.fresh(run_id)
    if state is None or run_states.seen_due():
        return None
    etag = state.etag_of(run_id, participant_id)
    if if_none_match != f'"{etag}"':
        return None
    run_states.note_seen(participant_id)
    return PollAnswer(304, etag)


# The run's state, per process ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunState:
    revision: int
    position: int
    closed: bool
    left: frozenset[int]
    """Ids of the participants who have left."""
    read_at: float
    """When it was read (``time.monotonic``)."""

    def status_of(self, participant_id: int) -> str:
        """What ``views._status`` says of the participant: closed, left or open."""
        if self.closed:
            return "closed"
        return "left" if participant_id in self.left else "open"

    def etag_of(self, run_id: int, participant_id: int) -> str:
        """The ETag of what the participant's poll is told (unquoted)."""
        return f"{run_id}.{self.revision}.{self.status_of(participant_id)}"


def read_state(run_id: int, now: float) -> RunState | None:
    """The run's state in one statement on its primary key (and the participants' run index), on
    the request's connection: no ORM objects, no identity map. None if there is no such run."""
    runs, participants = GroupRun.__table__, GroupParticipant.__table__
    query = (
        sa.select(runs.c.revision, runs.c.position, runs.c.closed_at, participants.c.id)
        .select_from(
            runs.outerjoin(
                participants,
                sa.and_(participants.c.run_id == runs.c.id, participants.c.left_at.is_not(None)),
            )
        )
        .where(runs.c.id == run_id)
    )
    rows = db.session.connection().execute(query).all()
    if not rows:
        return None
    revision, position, closed_at, _left = rows[0]
    left = frozenset(row[3] for row in rows if row[3] is not None)
    return RunState(revision, position, closed_at is not None, left, now)


@dataclass
class RunStates:
    """One process's copy of the open runs' states and of the phones it has heard from."""

    serializer: URLSafeTimedSerializer
    clock: Callable[[], float] = time.monotonic
    tokens: dict[str, tuple[int, int, float]] = field(default_factory=dict)
    """Verified tokens: (participant id, run id, when issued as a Unix time)."""
    _states: dict[int, RunState] = field(default_factory=dict)
    _reading: set[int] = field(default_factory=set)
    _seen: set[int] = field(default_factory=set)
    _written_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def known(self, token: str) -> tuple[int, int] | None:
        """(participant id, run id) from a token verified before and issued less than
        ``TOKEN_HOURS`` ago; None for one not verified yet (``read_token``) or expired."""
        found = self.tokens.get(token)
        if found is None or time.time() - found[2] > TOKEN_HOURS * 3600:
            return None
        return found[0], found[1]

    def fresh(self, run_id: int) -> RunState | None:
        """The copy of the run's state if it is younger than ``FRESH_FOR``, without reading."""
        held = self._states.get(run_id)
        return held if held is not None and self.clock() - held.read_at < FRESH_FOR else None

    def state_of(self, run_id: int, at_least: int | None = None) -> RunState | None:
        """The run's state, read again when the copy is older than ``FRESH_FOR`` (by one thread;
        the others answer from the old copy meanwhile) or than revision ``at_least`` (which a
        phone learnt from another process)."""
        now = self.clock()
        held = self._states.get(run_id)
        behind = at_least is not None and held is not None and held.revision < at_least
        if held is not None and now - held.read_at < FRESH_FOR and not behind:
            return held
        with self._lock:
            if held is not None and run_id in self._reading:
                return held
            self._reading.add(run_id)
        try:
            state = read_state(run_id, now)
        finally:
            self._reading.discard(run_id)
        if state is None:
            self._states.pop(run_id, None)
        else:
            self._states[run_id] = state
        return state

    def forget(self, run_ids: set[int]) -> None:
        for run_id in run_ids:
            self._states.pop(run_id, None)

    def note_seen(self, participant_id: int) -> None:
        """The participant's phone asked; written with the others by ``write_seen``."""
        self._seen.add(participant_id)

    def seen_due(self) -> bool:
        """Whether this process last wrote who it has heard from ``SEEN_EVERY`` ago or more (the
        first time: ``SEEN_EVERY`` after its first poll; joining wrote ``last_seen_at`` already)."""
        now = self.clock()
        if self._written_at is None:
            self._written_at = now
        return bool(self._seen) and now - self._written_at >= SEEN_EVERY.total_seconds()

    def write_seen(self) -> int:
        """Write ``last_seen_at`` for every present participant heard from since the last write, in
        one statement on the request's connection, before it reads anything (SQLite then takes the
        write lock without a stale snapshot). A hint: if the database is busy, the next poll tries
        again. Returns how many phones were written."""
        with self._lock:
            ids, self._seen = self._seen, set()
            self._written_at = self.clock()
        table = GroupParticipant.__table__
        try:
            with db.session.begin_nested():
                db.session.connection().execute(
                    sa.update(table)
                    .where(table.c.id.in_(sorted(ids)), table.c.left_at.is_(None))
                    .values(last_seen_at=utcnow())
                )
        except OperationalError:
            self._seen |= ids
            return 0
        return len(ids)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = RunStates(
        URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=TOKEN_SALT)
    )


def states() -> RunStates:
    """This process's ``RunStates`` for the current app (made by ``init_app`` when the groups
    blueprint is registered)."""
    return current_app.extensions[EXTENSION]


# Forgetting a run's state once a change to it is committed ----------------------------------------


def _mark_changed(_mapper, _connection, target) -> None:
    session = sa.orm.object_session(target)
    run_id = target.id if isinstance(target, GroupRun) else target.run_id
    if session is not None and run_id is not None:
        session.info.setdefault(_CHANGED, set()).add(run_id)


def _forget_committed_runs(session: Session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if changed and has_app_context():
        states().forget(changed)


for _model in (GroupRun, GroupParticipant):
    for _moment in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _moment, _mark_changed)
event.listen(Session, "after_commit", _forget_committed_runs)
