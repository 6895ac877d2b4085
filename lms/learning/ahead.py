"""Who is signed in, checked from the environ for a request answered ahead of Flask (the bundle,
``bundle_wsgi``; the player's answer, ``answer_wsgi``), as Flask and Flask-Login would check it:

- the cookie's signature (and its age) with Flask's own serializer (``itsdangerous``, the app's
  secret key and its fallbacks, Flask's salt), verified once per process for each cookie as the
  app's session interface does (``lms.core.cookies``);
- Flask-Login's session protection ("basic"): the cookie's identifier of the browser must be this
  request's, or Flask would mark the session not fresh;
- the session (``lms.accounts.sessions``): its row there, the secret matching, the person allowed to
  sign in today, and the session neither idle nor too old. The first three come from the database
  and are held per process for ``SESSION_CHECK_SECONDS``: a session ended (signing out elsewhere,
  a password change, deactivation, erasure) can still be used here for up to that long, and then
  no more. Idleness and age are checked on every request.

A cookie Flask would rewrite (its last-seen time due, a permanent session) counts as no sign-in
here, so that Flask answers that request and writes the cookie.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature
from werkzeug.http import parse_cookie

from lms.accounts import sessions
from lms.core.cookies import KeptCookieSessionInterface
from lms.core.transactions import as_reader
from lms.db import utcnow
from lms.extensions import db

SESSION_CHECK_SECONDS = 5.0
"""How long a process trusts its check that a session runs (row, secret, person allowed)."""
KEPT_SESSIONS = 10_000
"""Past this many sessions checked, a process forgets them all and checks again."""


@dataclass(frozen=True)
class SignedIn:
    person_id: int
    session: dict
    """The cookie's session data, as Flask would open it."""
    cookies: Mapping[str, str]
    """The request's cookies."""


class SessionCheck:
    """The signed-in person of a request's session cookie, if its session runs (see above)."""

    def __init__(self, app: Flask):
        self.app = app
        self.serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.lifetime = sessions.Lifetime.configured(app.config)
        self.checked: dict[str, tuple[float, sessions.RunningSession]] = {}
        self.lock = threading.Lock()

    def signed_in(self, environ: dict) -> SignedIn | None:
        cookies = parse_cookie(environ.get("HTTP_COOKIE"))
        cookie = cookies.get(self.cookie_name)
        if not cookie:
            return None
        data = self._opened(cookie)
        if not isinstance(data, dict) or data.get("_permanent"):
            return None
        cookie_id = data.get(sessions.FLASK_LOGIN_KEY)
        seen = sessions.moment(data.get(sessions.SEEN_KEY))
        if not isinstance(cookie_id, str) or seen is None:
            return None
        if data.get("_id") != browser_identifier(environ):
            return None
        now = utcnow()
        if now - seen >= sessions.SEEN_EVERY:  # Flask would write the cookie again
            return None
        running = self._running(cookie_id)
        if running is None or not self.lifetime.holds(running.began, seen, now):
            return None
        return SignedIn(running.person_id, data, cookies)

    def _opened(self, cookie: str):
        """The cookie's contents as Flask would open them, else None: verified once per process
        when the app keeps the cookies it verified (``lms.core.cookies``), as Flask's own opening
        of the session then does."""
        interface = self.app.session_interface
        if isinstance(interface, KeptCookieSessionInterface) and self.app.secret_key:
            return interface.verified(self.app, cookie)
        try:
            return self.serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None

    def _running(self, cookie_id: str) -> sessions.RunningSession | None:
        """The session, if it runs: from this process's checks of the last
        ``SESSION_CHECK_SECONDS``, else from the database."""
        held = self.checked.get(cookie_id)
        if held is not None and time.monotonic() < held[0]:
            return held[1]
        with self.app.app_context():
            as_reader()
            running = sessions.running_session(cookie_id)
            db.session.commit()
        if running is not None:
            with self.lock:
                if len(self.checked) >= KEPT_SESSIONS:
                    self.checked.clear()
                self.checked[cookie_id] = (time.monotonic() + SESSION_CHECK_SECONDS, running)
        return running


def browser_identifier(environ: dict) -> str:
    """Flask-Login's identifier of the browser (``flask_login.utils._create_identifier``), from
    the environ: the first forwarded address (else the peer's) and the user agent."""
    address = environ.get("HTTP_X_FORWARDED_FOR", environ.get("REMOTE_ADDR"))
    return sessions.browser_identifier(address, environ.get("HTTP_USER_AGENT"))
