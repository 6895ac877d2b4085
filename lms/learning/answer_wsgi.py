"""The player's answer (``POST /attempts/<id>/answers``) taken ahead of Flask and of the ORM.

``AnswersAheadOfFlask`` is a WSGI middleware in front of ``app.wsgi_app``, as ``bundle_wsgi`` is
for the bundle. The view's way, even with Flask's other hooks skipped, spent most of an answer's
CPU on the machinery around four SQL statements: Flask's request context, the ORM loading the
attempt with its person and version and making the answer, the signal's receivers reading them
again, the ORM's flush and commit. Here the answer is those statements and the work they need, run
on the database driver's connection (``lms.core.driver``: no ORM session, no Core execution
machinery), and only the writes hold the write lock:

- the person comes from the session check the bundle uses (``lms.learning.ahead``: no database
  while the check is held, so a session ended elsewhere can still store answers to its own attempts
  for up to ``ahead.SESSION_CHECK_SECONDS``);
- CSRF is checked as Flask-WTF's ``protect`` checks it (the ``X-CSRFToken`` header against the
  session's token, its age, on HTTPS the referrer), the token's signature verified once per
  process; the route has no rate limit (the app has no default limits) and an access rule that
  this replaces: the attempt must be the signed-in person's;
- the attempt, its person and its version are one row of one query; everything that does not
  write (reading the response, grading it, the ``answered`` statement and its validation, the
  card's HTML) is done before the write lock is taken (``DriverWork.begin_writing``), and the
  writes are the answer's insert and the attempt's update (``services.write_answer``, as in Flask)
  and the statement's (``xapi.outbox.outbox_row``), committed;
- the reply is the view's (``views.sync_answer``) as Flask's JSON provider writes it, with its
  status, the security headers (``lms.core.headers``) and ``Vary: Cookie`` as Flask adds for a
  session it read.

The view sends ``signals.card_answered``, whose receivers get the answer as an ORM object. Here
there is none, so an answer is taken only where every receiver connected to the signal has said
the lane stands in for it (``stands_in_for``): tracking's receiver, whose statement the lane
records itself (``tracking.receivers.answered_statement``), and receivers that do nothing for the
card answered (the practice follow-up, for every card but a practice card). A plugin's receiver
that has not said so sends every answer through Flask.

Everything unusual goes on to Flask untouched, with the body as it came, and Flask answers as
before: a body not a JSON object (``Content-Type``) or of no stated length, no running session or
a cookie Flask would rewrite (``ahead.SessionCheck``), a refused CSRF token, an attempt that is not
there, not the signed-in person's or part of a group run (its statements carry the run), an unknown
card or a response the card cannot read (Flask words the error in the person's language), a
receiver the lane does not stand in for, and any error on the way (rolled back first; Flask then
does it all again and answers as it would, the error included). The route stays in Flask's URL
map.
"""

from __future__ import annotations

import functools
import hmac
import io
import json
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_wtf.csrf import same_origin
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.datastructures import MultiDict
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_host

from lms import signals
from lms.content import library
from lms.content.cards.base import Card, ResponseError
from lms.content.models import ModuleVersion
from lms.core.driver import DriverWork, driver_work
from lms.core.headers import security_headers
from lms.core.kept import kept
from lms.core.languages import locale_of
from lms.core.time import stated_moment
from lms.db import utcnow
from lms.groups.models import GroupParticipant
from lms.learning import services
from lms.learning.ahead import SessionCheck, SignedIn
from lms.learning.models import Attempt
from lms.learning.rendering import card_html
from lms.organisation.models import Person
from lms.plugins import card_types
from lms.tracking import receivers as tracking
from lms.tracking.receivers import answered_statement, solo_context
from xapi.outbox import INSERT as OUTBOX_INSERT
from xapi.outbox import outbox_row

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
PATH = re.compile(r"/attempts/(\d+)/answers")
JSON = "application/json"
CSRF_SALT = "wtf-csrf-token"
"""Flask-WTF's salt of its CSRF tokens' signature (``generate_csrf``, ``validate_csrf``)."""
COMPLETED = ({"stored": False, "reason": "completed"}, 200)
"""The view's reply to an answer to an attempt completed (here, on another tab or phone)."""

_stand_ins: dict[Callable, Callable[[Card], bool]] = {}


def stands_in_for(receiver: Callable, cards: Callable[[Card], bool] = lambda _card: True) -> None:
    """Let the lane take an answer to a card for which ``cards(card)`` holds although ``receiver``
    listens to ``signals.card_answered``: for such a card the lane does what ``receiver`` would,
    or ``receiver`` would do nothing."""
    _stand_ins[receiver] = cards


class AnswersAheadOfFlask:
    """Takes a signed-in person's answer to their own attempt; hands on the rest."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp, session_check: SessionCheck):
        self.app = app
        self.wsgi_app = wsgi_app
        self.session_check = session_check
        self.security_headers = security_headers(app.config)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        attempt_id = _answer_to(environ)
        signed_in = self.session_check.signed_in(environ) if attempt_id is not None else None
        if signed_in is None:
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        reply = self._answer(environ, body, signed_in, attempt_id)
        if reply is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
        return self._respond(*reply, start_response)

    def _answer(self, environ: dict, body: bytes, signed_in: SignedIn, attempt_id: int):
        """The view's reply and status; None for Flask to answer."""
        payload = _object(body)
        if payload is None or not self._csrf_holds(environ, signed_in.session):
            return None
        with self.app.app_context():
            try:
                return _taken(environ, payload, signed_in, attempt_id)
            except Exception:  # rolled back: Flask does it again, and answers (and logs) as it would
                return None

    def _respond(self, reply: dict, status: int, start_response: Callable) -> list[bytes]:
        """``reply`` as Flask's JSON response (``app.json.response``) with the headers Flask's
        hooks add (the security headers, ``Vary: Cookie``), written out here: the response object
        and its headers' machinery cost a tenth of an answer."""
        provider = self.app.json
        if (provider.compact is None and self.app.debug) or provider.compact is False:
            text = provider.dumps(reply, indent=2)
        else:
            text = provider.dumps(reply, separators=(",", ":"))
        body = f"{text}\n".encode()
        headers = [
            ("Content-Type", provider.mimetype),
            ("Content-Length", str(len(body))),
            *self.security_headers,
            ("Vary", "Cookie"),
        ]
        start_response(f"{status} {HTTP_STATUS_CODES[status].upper()}", headers)
        return [body]

    def _csrf_holds(self, environ: dict, session: dict) -> bool:
        """Flask-WTF's check as its ``before_request`` hook makes it (``CSRFProtect.protect``), the
        token's signature verified once per process (``_signed_token``): its age against
        ``WTF_CSRF_TIME_LIMIT``, its match with the session's token, and on HTTPS the referrer are
        checked on every request. A refusal is Flask's."""
        config = self.app.config
        if not (config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"]):
            return True
        given = _header_token(environ, config["WTF_CSRF_HEADERS"])
        stored = session.get(config["WTF_CSRF_FIELD_NAME"])
        if not given or not isinstance(stored, str):
            return False
        secret = config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        signed = kept(_signed_tokens, (secret, given), lambda: _signed_token(secret, given), KEPT_TOKENS)
        if not signed:
            return False
        token, signed_at = signed
        age = int(time.time()) - signed_at
        limit = config["WTF_CSRF_TIME_LIMIT"]
        if age < 0 or (limit is not None and age > limit):
            return False
        if not isinstance(token, str) or not hmac.compare_digest(stored, token):
            return False
        if environ.get("wsgi.url_scheme") == "https" and config["WTF_CSRF_SSL_STRICT"]:
            referrer = environ.get("HTTP_REFERER")
            host = get_host(environ, config.get("TRUSTED_HOSTS"))
            if not referrer or not same_origin(referrer, f"https://{host}/"):
                return False
        return True


def _taken(
    environ: dict, payload: dict, signed_in: SignedIn, attempt_id: int
) -> tuple[dict, int] | None:
    """The view's reply (``views.sync_answer``) and its status, the answer stored as the view
    stores it; None for Flask to answer (nothing written)."""
    with driver_work() as work:
        return _take(work, environ, payload, signed_in, attempt_id)


def _take(
    work: DriverWork, environ: dict, payload: dict, signed_in: SignedIn, attempt_id: int
) -> tuple[dict, int] | None:
    """``_taken`` on the driver's connection: the reads, then everything that does not write,
    then the writes behind the write lock."""
    attempt = work.first(_attempt_row(), {"id": attempt_id})
    if attempt is None or attempt.person_id != signed_in.person_id or attempt.in_group_run:
        return None
    module = library.load(attempt.module_id, attempt.content_hash)
    card = module.card(str(payload.get("card_id", "")))
    if card is None or not _lane_stands_in(card):
        return None
    card_type = card_types()[card.type]
    if not card_type.takes_response:
        return None
    try:
        response = card_type.read_response(card, form_from(payload.get("fields") or {}))
    except ResponseError:
        return None
    if attempt.completed_at is not None:
        return COMPLETED
    client_id = services.valid_client_id(str(payload.get("client_id", "")))
    answered_at = stated_moment(payload.get("answered_at"), attempt.started_at) or utcnow()
    score = card_type.grade(card, response).score
    locale = locale_of(attempt.locale, signed_in.cookies.get("lang"), environ)
    statement = answered_statement(
        attempt.person_uuid,
        module,
        card,
        response,
        score,
        at=answered_at,
        context=solo_context(attempt.uuid, attempt.locale, module, parent=True),
    )
    row = outbox_row(statement)  # validated before the write lock is taken
    html = str(card_html(module, card, locale, response))
    values = {
        "attempt_id": attempt_id,
        "card_id": card.id,
        "client_id": client_id,
        "response": response,
        "score": score,
        "answered_at": answered_at,
    }
    try:
        answer_id = services.write_answer(values, utcnow(), on=work)
    except services.NotAnswerable:  # completed elsewhere since it was read: nothing is kept
        work.roll_back()
        return COMPLETED
    if answer_id is None:
        work.roll_back()
        stored = services.stored_answer(attempt_id, card.id, client_id, on=work)
        html = str(card_html(module, card, locale, stored.response))
        return _reply(False, stored.client_id, card, html), 200
    work.run(OUTBOX_INSERT, row)
    work.commit()
    return _reply(True, client_id, card, html), 201


def _reply(stored: bool, client_id: str, card: Card, html: str) -> dict[str, Any]:
    return {"stored": stored, "client_id": client_id, "card_id": card.id, "html": html}


def _lane_stands_in(card: Card) -> bool:
    """Whether every receiver of ``signals.card_answered`` has said the lane stands in for it on
    an answer to ``card`` (``stands_in_for``)."""
    return all(
        receiver in _stand_ins and _stand_ins[receiver](card)
        for receiver in signals.card_answered.receivers_for(current_app._get_current_object())
    )


@functools.cache
def _attempt_row() -> sa.Select:
    """The attempt by id with what the answer uses of its person and version, and whether it is
    a group run's, in one row: built once and bound when it runs."""
    in_run = sa.exists().where(GroupParticipant.attempt_id == Attempt.id)
    return (
        sa.select(
            Attempt.person_id,
            Attempt.uuid,
            Attempt.started_at,
            Attempt.completed_at,
            Person.uuid.label("person_uuid"),
            Person.locale,
            ModuleVersion.module_id,
            ModuleVersion.content_hash,
            in_run.label("in_group_run"),
        )
        .join(Person, Person.id == Attempt.person_id)
        .join(ModuleVersion, ModuleVersion.id == Attempt.version_id)
        .where(Attempt.id == sa.bindparam("id"), Person.active.is_(True))
    )


def form_from(fields: dict) -> MultiDict:
    """The player's fields of a response, as the card's form would post them."""
    items = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        items.extend((str(name), str(v)) for v in values)
    return MultiDict(items)


def _object(body: bytes) -> dict | None:
    """The JSON object of the body; None if it is not one."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _header_token(environ: dict, headers: list[str]) -> str | None:
    """The signed token of the request's first CSRF header that has one, as
    ``CSRFProtect._get_csrf_token`` finds it: a JSON body has no form fields, which it looks in
    first."""
    names = ("HTTP_" + header.upper().replace("-", "_") for header in headers)
    return next(filter(None, map(environ.get, names)), None)


KEPT_TOKENS = 4096
_signed_tokens: dict[tuple[object, str], tuple[object, int] | tuple[()]] = {}


def _signed_token(secret, given: str) -> tuple[object, int] | tuple[()]:
    """What the signed CSRF token ``given`` holds and when it was signed, as ``validate_csrf``
    reads it (Flask-WTF's serializer and salt); empty if its signature does not hold. The same
    token comes with every answer of a page, so it is read once per process."""
    serializer = URLSafeTimedSerializer(secret, salt=CSRF_SALT)
    try:
        token, signed_at = serializer.loads(given, return_timestamp=True)
    except BadData:
        return ()
    return token, int(signed_at.timestamp())


def _answer_to(environ: dict) -> int | None:
    """The attempt a JSON POST of an answer (with its length stated) is to; else None."""
    if environ.get("REQUEST_METHOD") != "POST" or not environ.get("CONTENT_LENGTH", "").isdigit():
        return None
    if environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != JSON:
        return None
    found = PATH.fullmatch(environ.get("PATH_INFO", ""))
    return int(found[1]) if found else None


def init_app(app: Flask, session_check: SessionCheck) -> None:
    stands_in_for(tracking.card_answered)  # the lane records its statement
    app.wsgi_app = AnswersAheadOfFlask(app, app.wsgi_app, session_check)
