"""The phones' poll, and their fetch of a card already rendered, answered ahead of Flask.

``PollsAheadOfFlask`` is a WSGI middleware in front of ``app.wsgi_app``. Measured under gunicorn
(``bench/group_run.py``), a poll through Flask cost about 1.3-1.8 ms of CPU, a bare Flask endpoint
with an ETag 0.9-1.4 ms, and in one process, without the server, the poll's own work (the token
checked against the process's verified tokens, the run's state from the process's copy, an ETag
compared: ``live.answer_poll``) 0.02 ms of the 0.7 ms a poll took through Flask. The rest was
Flask around it: a request context, URL matching, opening the session, the hooks of Flask-Login,
Flask-Limiter and Babel, the after-request hooks, a ``Response`` object. 200 phones ask about 330
times a second, so that was half a core before anything changed; and at a change every phone
fetches its card, which through Flask cost about 2 ms more although the card itself is a string
join (``live_card``).

So the middleware looks at the path first. A ``GET`` or ``HEAD`` of ``/groups/live/<token>`` (the
poll) is answered here, and so is ``/groups/live/<token>/card`` when this process has the card
rendered and the phone is open and has not answered it.

Most polls are a phone holding the current state: with a token this process has verified and a
fresh copy of the run's state, ``live.unchanged`` answers 304 from memory, without an app context
(pushing and popping one, with ``g`` and the database session's checks, cost several times the
poll's own work). The rest (a first poll, a change, a copy to read again, a token to verify, the
``last_seen_at`` write due) are answered inside an app context only (the database session is the
app's, for the re-read of a run, the ``last_seen_at`` write and the read of whether a phone
answered; committed and removed as Flask would; its transactions begin as a GET request's do,
without SQLite's write lock, ``transactions.as_reader``: outside a request every transaction would
take it up front, and the re-reads of two workers then queued for it behind each other and every
writer), with the security headers every answer carries (``lms.core.headers``). After a change,
the poll's answer carries an open phone's new card (``live.answer_poll``); the first poll in a
process to need a card not rendered yet renders it, in a request context made from the poll's
environ (the room's card holds nothing of any phone's session).
Everything else goes on to Flask untouched, including a refused token on ``/card`` and a phone
sent on to its signed-in fragment.

What stays as it was: the token is the credential (a forged, damaged, foreign or expired one gets
403, a run that is gone 404), the poll's answer is the same JSON and ETag with 304 while nothing
changed, and a leaked token tells the run's card number and whether it is open, and shows the card
the room's screen shows, nothing else. The session cookie is never read on these paths: no
sign-in, no session, and the card carries no CSRF token (``group.js`` puts in the page's). There is
no rate limit on them, as before (the limiter keeps none on these paths; a refused token costs one
HMAC check, less than the request itself). The routes stay in Flask's URL map
(``views.live_state``, ``views.live_card_fragment``), for ``url_for`` and the access rules.

It works under any WSGI server and worker class (gunicorn's threads as ``make run`` starts it,
``flask run``, the test client); it is installed with the groups blueprint (``init_app``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from urllib.parse import parse_qs

from flask import Flask

from lms.core.headers import security_headers
from lms.core.transactions import as_reader
from lms.extensions import db
from lms.groups import live, live_card

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
Answer = tuple[int, list[tuple[str, str]], bytes]
"""Status, headers (the security headers are added to them) and body."""
LIVE_METHODS = frozenset({"GET", "HEAD"})
CARD = "/card"


class PollsAheadOfFlask:
    """Answers the phones' polls (``live.POLL_PATH`` and a token) and their fetches of a card this
    process has rendered (the same and ``/card``); hands everything else to Flask."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp):
        self.app = app
        self.wsgi_app = wsgi_app
        self.security_headers = security_headers(app.config)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        token = _live_token(environ)
        if token is None:
            return self.wsgi_app(environ, start_response)
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and not token.endswith(CARD):
            run_states = self.app.extensions[live.EXTENSION]
            same = live.unchanged(run_states, token, if_none_match)
            if same is not None:  # most polls: no app context, no database
                return self._send(environ, start_response, (304, same.headers(), b""))
        with self.app.app_context():
            as_reader()
            if token.endswith(CARD):
                answer = _card(token.removesuffix(CARD), environ.get("QUERY_STRING", ""))
            else:
                answer = self._poll(token, environ)
            if db.session.registry.has():
                db.session.commit()
        if answer is None:
            return self.wsgi_app(environ, start_response)
        return self._send(environ, start_response, answer)

    def _send(self, environ: dict, start_response: Callable, answer: Answer) -> Iterable[bytes]:
        code, headers, body = answer
        headers += self.security_headers
        if code != 304:
            headers.append(("Content-Length", str(len(body))))
        status = HTTPStatus(code)
        start_response(f"{status.value} {status.phrase}", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _poll(self, token: str, environ: dict) -> Answer:
        locale = live_card.live_locale(_arguments(environ.get("QUERY_STRING", "")))

        def card_of(participant_id: int, run_id: int, state: live.RunState) -> str | None:
            found = live_card.open_card(participant_id, run_id, state, locale, render=False)
            if found is None:  # the first phone in this process to ask: render the card for all
                with self.app.request_context(environ):
                    found = live_card.open_card(participant_id, run_id, state, locale, render=True)
            return found.fill(participant_id) if isinstance(found, live_card.CardTemplate) else None

        answer = live.answer_poll(token, environ.get("HTTP_IF_NONE_MATCH"), card_of)
        return answer.status, answer.headers(), answer.body


def _live_token(environ: dict) -> str | None:
    """The token (with ``/card`` after it for a card), for a poll or a card fetch; else None."""
    path = environ.get("PATH_INFO", "")
    if not path.startswith(live.POLL_PATH) or environ.get("REQUEST_METHOD") not in LIVE_METHODS:
        return None
    token = path[len(live.POLL_PATH) :]
    bare = token.removesuffix(CARD)
    return token if bare and "/" not in bare else None


def _arguments(query: str) -> dict[str, str]:
    return {name: values[-1] for name, values in parse_qs(query).items()}


def _card(token: str, query: str) -> Answer | None:
    """The card for an open phone that has not answered it, when this process has it rendered:
    what nearly every phone asks at a card change. None for the rest (a refused token, a card not
    yet rendered here, a phone sent on to its signed-in fragment): Flask's view answers those."""
    found = live.read_token(token)
    if found is None:
        return None
    participant_id, run_id = found
    args = _arguments(query)
    revision = args.get("revision", "")
    wanted = int(revision) if revision.isdigit() else None
    card = live_card.card_for(participant_id, run_id, wanted, live_card.live_locale(args), render=False)
    if not isinstance(card, live_card.CardTemplate):
        return None
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store, private")]
    return 200, headers, card.fill(participant_id).encode()


def init_app(app: Flask) -> None:
    app.wsgi_app = PollsAheadOfFlask(app, app.wsgi_app)
