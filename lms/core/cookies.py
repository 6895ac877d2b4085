"""Flask's signed cookie session, each cookie verified once per process.

A browser sends the same session cookie with every request until the session changes (Flask
writes the cookie again only then), and checking its signature, decompressing and decoding it cost
every page about as much as a small query. So the first request with a cookie verifies it as
Flask does and keeps its contents, keyed by the cookie's exact text and the app's secret key; later
requests with the same cookie open a fresh session from the kept contents, after checking that
the cookie has not outlived ``PERMANENT_SESSION_LIFETIME`` since it was signed, as Flask does. A
cookie nobody signed is never kept: it opens an empty session as before.

Contents whose values are all plain text, numbers, booleans or None (a signed-in person's: the
session's id, Flask-Login's marks, the form token, when the session was last seen) are kept as
they are and copied into each new session; a request changing the session then replaces values,
never changes one in place. Any other contents (a list of flashed messages, a value tagged by
Flask's serialiser) are kept serialised and decoded for each request, so that no request can
change what the next one gets.
"""

from __future__ import annotations

import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

KEPT_COOKIES = 4096
"""Past this many cookies kept, a process forgets them all and verifies them again."""
_PLAIN = (str, int, float, bool, type(None))
"""Types of values that cannot change in place: contents of only these are kept as they are."""


class KeptCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's session interface, keeping the cookies it verified (see the module's docstring)."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, object], tuple[int, dict | str]] = {}
        """(cookie, secret key) -> (when it was signed, its contents: as they are when plain,
        else as the session serialises them)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)
        return self.session_class(self.verified(app, cookie) or {})

    def verified(self, app: Flask, cookie: str) -> dict | None:
        """The contents of the session ``cookie`` as Flask opens them (a fresh copy), or None if
        Flask would not: nobody signed it, or it has outlived ``PERMANENT_SESSION_LIFETIME``."""
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (cookie, app.secret_key)
        kept = self.kept.get(key)
        if kept is not None and 0 <= int(time.time()) - kept[0] <= max_age:
            contents = kept[1]
            return self.serializer.loads(contents) if isinstance(contents, str) else dict(contents)
        try:
            data, signed = self.get_signing_serializer(app).loads(
                cookie, max_age=max_age, return_timestamp=True
            )
        except BadSignature:
            return None
        if len(self.kept) >= KEPT_COOKIES:
            self.kept.clear()
        plain = all(type(value) in _PLAIN for value in data.values())
        contents = dict(data) if plain else self.serializer.dumps(data)
        self.kept[key] = (int(signed.timestamp()), contents)
        return data
