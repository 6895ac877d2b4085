"""The phones' poll answered ahead of Flask: a WSGI middleware in front of ``app.wsgi_app``.

Through Flask a poll cost about 2 ms of CPU under gunicorn (a bare Flask endpoint about 1.5 ms),
and 200 phones ask about 330 times a second: half a core before anything changes. What the poll
needs is little (``live.answer_poll``: the token checked against the process's verified tokens,
the run's state from the process's copy, an ETag compared); what Flask does around it is most of
the cost: a request context, URL matching, the session interface, Flask-Limiter's and Babel's
hooks, the after-request hooks, a ``Response`` object. So ``PollsAheadOfFlask`` looks at the path
first: a ``GET`` or ``HEAD`` of ``/groups/live/<token>`` is answered here, inside an app context
only (the database session is the app's, for the rare re-read and the ``last_seen_at`` write, and
is committed and removed as Flask would), with the security headers every answer carries
(``lms.core.headers``); anything else, the card fetch ``/groups/live/<token>/card`` included, goes
on to Flask untouched.

What stays as it was: the token is the credential (a forged, damaged, foreign or expired one gets
403, a run that is gone 404), the answer is the same JSON and ETag with 304 while nothing changed,
and a leaked token tells the run's card number and whether it is open, nothing else. What this path
does not have: the session cookie is never read (the phone sends none), there is no sign-in, and no
rate limit (the limiter keeps none on this path; a refused token costs one HMAC check, less than
the request itself). The route stays in Flask's URL map (``views.live_state``), for ``url_for`` and
the access rules, and answers the same should a request reach it.

It works under any WSGI server and worker class (gunicorn's threads, ``flask run``, the test
client); it is installed with the groups blueprint (``init_app``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus
from urllib.parse import parse_qs

from flask import Flask

from lms.core.headers import security_headers
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
        with self.app.app_context():
            if token.endswith(CARD):
                answer = _card(token.removesuffix(CARD), environ.get("QUERY_STRING", ""))
            else:
                answer = _poll(token, environ.get("HTTP_IF_NONE_MATCH"))
            if db.session.registry.has():
                db.session.commit()
        if answer is None:
            return self.wsgi_app(environ, start_response)
        code, headers, body = answer
        headers += self.security_headers
        if code != 304:
            headers.append(("Content-Length", str(len(body))))
        status = HTTPStatus(code)
        start_response(f"{status.value} {status.phrase}", headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _live_token(environ: dict) -> str | None:
    """The token (with ``/card`` after it for a card), for a poll or a card fetch; else None."""
    path = environ.get("PATH_INFO", "")
    if not path.startswith(live.POLL_PATH) or environ.get("REQUEST_METHOD") not in LIVE_METHODS:
        return None
    token = path[len(live.POLL_PATH) :]
    bare = token.removesuffix(CARD)
    return token if bare and "/" not in bare else None


def _poll(token: str, if_none_match: str | None) -> Answer:
    answer = live.answer_poll(token, if_none_match)
    return answer.status, answer.headers(), answer.body


def _card(token: str, query: str) -> Answer | None:
    """The card for an open phone that has not answered it, when this process has it rendered:
    what nearly every phone asks at a card change. None for the rest (a refused token, a card not
    yet rendered here, a phone sent on to its signed-in fragment): Flask's view answers those."""
    found = live.read_token(token)
    if found is None:
        return None
    participant_id, run_id = found
    args = {name: values[-1] for name, values in parse_qs(query).items()}
    revision = args.get("revision", "")
    wanted = int(revision) if revision.isdigit() else None
    card = live_card.card_for(participant_id, run_id, wanted, live_card.live_locale(args), render=False)
    if not isinstance(card, live_card.CardTemplate):
        return None
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store, private")]
    return 200, headers, card.fill(participant_id).encode()


def init_app(app: Flask) -> None:
    app.wsgi_app = PollsAheadOfFlask(app, app.wsgi_app)
