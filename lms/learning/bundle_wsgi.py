"""A module's bundle, when this process has it built, answered ahead of Flask.

``BundlesAheadOfFlask`` is a WSGI middleware in front of ``app.wsgi_app`` (as
``lms.groups.live_wsgi`` is for a group run's polls). Through Flask a bundle cost about 1.9 ms of
CPU, most of it not the bundle (already bytes in memory, ``bundle.known``) but Flask around it:
loading the signed-in person through the ORM, Flask-Limiter, Babel, the request and response
objects, the commit.

So a ``GET`` or ``HEAD`` of ``/learn/<module>/bundle/<hash>/<locale>/<digest>.json`` whose bundle
is built, with that digest, is answered here when the session cookie signs in someone, checked as
Flask and Flask-Login would (``lms.learning.ahead``; a session ended can still fetch a bundle here
for up to ``ahead.SESSION_CHECK_SECONDS``).

Anything else goes on to Flask untouched, and Flask answers as before: no or a damaged cookie, a
session not running (redirect to sign in), a cookie Flask would rewrite (its last-seen time due,
a permanent session), conditions other than ``If-None-Match``, a bundle not built here or an old
digest. The answer is the one the view makes (the same ``Response``, ETag, ``Cache-Control``,
``make_conditional``), with ``Vary: Cookie`` as Flask adds for a session it read, and the security
headers (``lms.core.headers``). The route stays in Flask's URL map (``views.bundle``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask

from lms.core.headers import security_headers
from lms.learning import bundle as bundles
from lms.learning.ahead import SessionCheck

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
METHODS = frozenset({"GET", "HEAD"})
CONDITIONS_FLASK_ANSWERS = ("HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_RANGE")
PREFIX = "/learn/"
BUNDLE = "/bundle/"
SUFFIX = ".json"


class BundlesAheadOfFlask:
    """Answers a signed-in person's GET of a bundle this process has built; hands on the rest."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp, session_check: SessionCheck):
        self.app = app
        self.wsgi_app = wsgi_app
        self.security_headers = security_headers(app.config)
        self.session_check = session_check

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        built = _built_bundle(environ)
        if built is None or self.session_check.signed_in(environ) is None:
            return self.wsgi_app(environ, start_response)
        response = self.app.response_class(built.body, mimetype="application/json")
        response.set_etag(built.digest)
        response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
        response.headers.extend(self.security_headers)
        response.vary.add("Cookie")
        return response.make_conditional(environ)(environ, start_response)


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


def init_app(app: Flask, session_check: SessionCheck) -> None:
    app.wsgi_app = BundlesAheadOfFlask(app, app.wsgi_app, session_check)
