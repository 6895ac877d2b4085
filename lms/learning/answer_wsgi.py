"""The player's answer (``POST /attempts/<id>/answers``) taken ahead of most of Flask.

``AnswersAheadOfFlask`` is a WSGI middleware in front of ``app.wsgi_app``, as ``bundle_wsgi`` is
for the bundle. Through Flask an answer cost about 3 ms of CPU in one process, some 40 % of it
Flask around the view: opening the session, Flask-Limiter, loading the person and their roles, the
hooks. On SQLite that work also held the write lock, which the request's first statement (loading
the person) takes up front (``lms.core.transactions``).

Here the person comes from the session check the bundle uses (``lms.learning.ahead``: no database
while the check is held, so a session ended elsewhere can still store answers to its own attempts
for up to ``ahead.SESSION_CHECK_SECONDS``), and the view itself, ``views.sync_answer`` with its
``for_owner`` check, runs in a request context as Flask's dispatch would run it, without the hooks
that have nothing to do for this request:

- before the view, CSRF is checked as Flask-WTF's ``protect`` checks it in its ``before_request``
  hook (the ``X-CSRFToken`` header against the session's token, its age, on HTTPS the referrer),
  the token's signature verified once per process; the route has no rate limit (the app has no
  default limits) and an access rule, so Flask-Limiter's and the access hooks would do nothing;
- the signed-in person is the attempt's, loaded with the attempt in one query (only the columns
  of the person and the version that the answer uses); Flask-Login's ``current_user`` is that
  person, as its user loader would have made it;
- after the view, ``app.process_response`` as in Flask: the commit (or roll back), the security
  headers, the session saved (``Vary: Cookie``).

Everything unusual goes on to Flask untouched, with the body as it came, and Flask answers as
before: a body not JSON (``Content-Type``) or of no stated length, no running session or a cookie
Flask would rewrite (``ahead.SessionCheck``), a refused CSRF token, an attempt that is not there or
not the signed-in person's, and any error on the way (rolled back first; Flask then does it all
again and answers as it would, the error included). The route stays in Flask's URL map.
"""

from __future__ import annotations

import functools
import hmac
import io
import re
import time
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import Flask, g, request, session
from flask.ctx import RequestContext
from flask_wtf.csrf import same_origin
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from lms.accounts.sessions import FLASK_LOGIN_KEY
from lms.content.models import ModuleVersion
from lms.core.kept import kept
from lms.core.transactions import as_reader
from lms.extensions import db, login_manager
from lms.learning.ahead import SessionCheck, SignedIn
from lms.learning.models import Attempt
from lms.organisation.models import Person

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
ENDPOINT = "learning.sync_answer"
PATH = re.compile(r"/attempts/(\d+)/answers")
JSON = "application/json"
CSRF_SALT = "wtf-csrf-token"
"""Flask-WTF's salt of its CSRF tokens' signature (``generate_csrf``, ``validate_csrf``)."""


class AnswersAheadOfFlask:
    """Takes a signed-in person's answer to their own attempt; hands on the rest."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp, session_check: SessionCheck):
        self.app = app
        self.wsgi_app = wsgi_app
        self.session_check = session_check

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        attempt_id = _answer_to(environ)
        signed_in = self.session_check.signed_in(environ) if attempt_id is not None else None
        if signed_in is None:
            return self.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        environ["wsgi.input"] = io.BytesIO(body)
        response = self._answer(environ, signed_in, attempt_id)
        if response is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    def _answer(self, environ: dict, signed_in: SignedIn, attempt_id: int):
        """The view's response, after Flask's after-request hooks; None for Flask to answer."""
        session = self.app.session_interface.session_class(signed_in.session)
        context = RequestContext(self.app, environ, session=session)
        context.push()
        try:
            return self._dispatch(signed_in, attempt_id)
        except Exception:  # Flask does it again, and answers (and logs) as it would
            db.session.rollback()
            return None
        finally:
            context.pop()

    def _dispatch(self, signed_in: SignedIn, attempt_id: int):
        if request.endpoint != ENDPOINT or not self._csrf_holds():
            return None
        as_reader()  # until the answer is written: services.submit_answer begins writing
        attempt = db.session.scalar(_attempt_with_person(), {"id": attempt_id})
        if attempt is None or attempt.person_id != signed_in.person_id:
            db.session.rollback()
            return None
        attempt.person.signed_in_session = signed_in.session[FLASK_LOGIN_KEY]
        login_manager._update_request_context_with_user(attempt.person)
        view = self.app.view_functions[ENDPOINT]
        response = self.app.make_response(view(**request.view_args))
        return self.app.process_response(response)

    def _csrf_holds(self) -> bool:
        """Flask-WTF's check as its ``before_request`` hook makes it (``CSRFProtect.protect``), the
        token's signature verified once per process (``_signed_token``): its age against
        ``WTF_CSRF_TIME_LIMIT``, its match with the session's token, and on HTTPS the referrer are
        checked on every request. A refusal is Flask's."""
        config = self.app.config
        if not (config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"]):
            return True
        csrf = self.app.extensions["csrf"]
        if csrf._is_exempt() or request.method not in config["WTF_CSRF_METHODS"]:
            return True
        given = _header_token(config["WTF_CSRF_HEADERS"])
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
        if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:
            referrer = request.referrer
            if not referrer or not same_origin(referrer, f"https://{request.host}/"):
                return False
        g.csrf_valid = True
        return True


def _header_token(headers: list[str]) -> str | None:
    """The signed token of the request's first CSRF header that has one, as
    ``CSRFProtect._get_csrf_token`` finds it: a JSON body has no form fields, which it looks in
    first (and reading the form cost more than the rest of the check)."""
    return next(filter(None, map(request.headers.get, headers)), None)


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


@functools.cache
def _attempt_with_person() -> sa.Select:
    """The attempt with its person and its version, by id: built once and bound when it runs. Of
    the person and the version only what the answer uses is loaded: the person's ``active`` too,
    which Flask-Login's ``is_authenticated`` reads (a column left out is read again, in a query of
    its own, when asked for; the version's manifest is not parsed for every answer). Rows made into
    ORM objects by hand cost as much as this, the objects' making."""
    return (
        sa.select(Attempt)
        .options(
            joinedload(Attempt.person).load_only(Person.uuid, Person.locale, Person.active),
            joinedload(Attempt.version).load_only(
                ModuleVersion.module_id, ModuleVersion.version, ModuleVersion.content_hash
            ),
        )
        .where(Attempt.id == sa.bindparam("id"))
    )


def _answer_to(environ: dict) -> int | None:
    """The attempt a JSON POST of an answer (with its length stated) is to; else None."""
    if environ.get("REQUEST_METHOD") != "POST" or not environ.get("CONTENT_LENGTH", "").isdigit():
        return None
    if environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower() != JSON:
        return None
    found = PATH.fullmatch(environ.get("PATH_INFO", ""))
    return int(found[1]) if found else None


def init_app(app: Flask, session_check: SessionCheck) -> None:
    app.wsgi_app = AnswersAheadOfFlask(app, app.wsgi_app, session_check)
