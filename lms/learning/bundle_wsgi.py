"""A module's bundle, when this process has it built, answered ahead of Flask.

``BundlesAheadOfFlask`` is a WSGI middleware in front of ``app.wsgi_app`` (as
``lms.groups.live_wsgi`` is for a group run's polls). Through Flask a bundle cost about 1.9 ms of
CPU, most of it not the bundle (already bytes in memory, ``bundle.known``) but Flask around it:
loading the signed-in person through the ORM, Flask-Limiter, Babel, the request and response
objects, the commit.

So a ``GET`` or ``HEAD`` of ``/learn/<module>/bundle/<hash>/<locale>/<digest>.json`` whose bundle
is built, with that digest, is answered here when the session cookie signs in someone, checked as
Flask and Flask-Login would:

- the cookie's signature (and its age) with Flask's own serializer (``itsdangerous``, the app's
  secret key and its fallbacks, Flask's salt);
- Flask-Login's session protection ("basic"): the cookie's identifier of the browser must be this
  request's, or Flask would mark the session not fresh;
- the session (``lms.accounts.sessions``): its row there, the secret matching, the person allowed to
  sign in today, and the session neither idle nor too old. The first three come from the database
  and are held per process for ``SESSION_CHECK_SECONDS``: a session ended (signing out elsewhere,
  a password change, deactivation, erasure) can still fetch a bundle here for up to that long, and
  then no more. Idleness and age are checked on every request.

Anything else goes on to Flask untouched, and Flask answers as before: no or a damaged cookie, a
session not running (redirect to sign in), a cookie Flask would rewrite (its last-seen time due,
a permanent session), conditions other than ``If-None-Match``, a bundle not built here or an old
digest. The answer is the one the view makes (the same ``Response``, ETag, ``Cache-Control``,
``make_conditional``), with ``Vary: Cookie`` as Flask adds for a session it read, and the security
headers (``lms.core.headers``). The route stays in Flask's URL map (``views.bundle``).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.datastructures import EnvironHeaders
from werkzeug.http import parse_cookie

from lms.accounts import sessions
from lms.core.headers import security_headers
from lms.core.transactions import as_reader
from lms.db import utcnow
from lms.extensions import db
from lms.learning import bundle as bundles

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
SESSION_CHECK_SECONDS = 5.0
"""How long a process trusts its check that a session runs (row, secret, person allowed)."""
KEPT_SESSIONS = 10_000
"""Past this many sessions checked, a process forgets them all and checks again."""
METHODS = frozenset({"GET", "HEAD"})
CONDITIONS_FLASK_ANSWERS = ("HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_RANGE")
PREFIX = "/learn/"
BUNDLE = "/bundle/"
SUFFIX = ".json"


class BundlesAheadOfFlask:
    """Answers a signed-in person's GET of a bundle this process has built; hands on the rest."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp):
        self.app = app
        self.wsgi_app = wsgi_app
        self.security_headers = security_headers(app.config)
        self.serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.lifetime = sessions.Lifetime.configured(app.config)
        self.checked: dict[str, tuple[float, datetime]] = {}
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        built = _built_bundle(environ)
        if built is None or not self._signed_in(environ):
            return self.wsgi_app(environ, start_response)
        response = self.app.response_class(built.body, mimetype="application/json")
        response.set_etag(built.digest)
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
        response.headers.extend(self.security_headers)
        response.vary.add("Cookie")
        return response.make_conditional(environ)(environ, start_response)

    def _signed_in(self, environ: dict) -> bool:
        cookie = parse_cookie(environ.get("HTTP_COOKIE")).get(self.cookie_name)
        if not cookie:
            return False
        try:
            data = self.serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return False
        if not isinstance(data, dict) or data.get("_permanent"):
            return False
        cookie_id = data.get(sessions.FLASK_LOGIN_KEY)
        seen = sessions.moment(data.get(sessions.SEEN_KEY))
        if not isinstance(cookie_id, str) or seen is None:
            return False
        if data.get("_id") != browser_identifier(environ):
            return False
        now = utcnow()
        if now - seen >= sessions.SEEN_EVERY:  # Flask would write the cookie again
            return False
        began = self._began(cookie_id)
        return began is not None and self.lifetime.holds(began, seen, now)

    def _began(self, cookie_id: str) -> datetime | None:
        """When the session began, if it runs: from this process's checks of the last
        ``SESSION_CHECK_SECONDS``, else from the database."""
        held = self.checked.get(cookie_id)
        if held is not None and time.monotonic() < held[0]:
            return held[1]
        with self.app.app_context():
            as_reader()
            began = sessions.running_session_began(cookie_id)
            db.session.commit()
        if began is not None:
            with self.lock:
                if len(self.checked) >= KEPT_SESSIONS:
                    self.checked.clear()
                self.checked[cookie_id] = (time.monotonic() + SESSION_CHECK_SECONDS, began)
        return began


def _built_bundle(environ: dict) -> bundles.Bundle | None:
    """The built bundle a plain GET (or HEAD) asks for by its current address; else None."""
    if environ.get("REQUEST_METHOD") not in METHODS:
        return None
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PREFIX) or not path.endswith(SUFFIX):
        return None
    if any(environ.get(condition) for condition in CONDITIONS_FLASK_ANSWERS):
        return None
    module_id, bundle, rest = path[len(PREFIX) : -len(SUFFIX)].partition(BUNDLE)
    parts = rest.split("/")
    if not bundle or "/" in module_id or len(parts) != 3:
        return None
    content_hash, locale, digest = parts
    built = bundles.known(module_id, content_hash, locale)
    return built if built is not None and built.digest == digest else None


def browser_identifier(environ: dict) -> str:
    """Flask-Login's identifier of the browser (``flask_login.utils._create_identifier``), from
    the environ: the first forwarded address (else the peer's) and the user agent."""
    headers = EnvironHeaders(environ)
    address = headers.get("X-Forwarded-For", environ.get("REMOTE_ADDR"))
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    user_agent = headers.get("User-Agent")
    if user_agent is not None:
        user_agent = user_agent.encode("utf-8")
    return hashlib.sha512(f"{address}|{user_agent}".encode()).hexdigest()


def init_app(app: Flask) -> None:
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.wsgi_app = BundlesAheadOfFlask(app, app.wsgi_app)
