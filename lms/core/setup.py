"""Binding the extensions and the request-wide rules to the application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, current_app, g, request, session
from flask.json.provider import DefaultJSONProvider
from flask_babel import format_date, format_datetime, get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from jinja2.runtime import Context
from sqlalchemy import event

from lms import access
from lms.accounts import sessions
from lms.accounts.sessions import signed_in_person
from lms.config import LANGUAGE_NAMES
from lms.content.localised import pick
from lms.core import errors, write_gate
from lms.core.cookies import KeptCookieSessionInterface
from lms.core.fragments import FragmentCache
from lms.core.headers import security_headers
from lms.core.kept import kept
from lms.core.languages import select_locale
from lms.core.time import day_and_time
from lms.core.transactions import begin_with_write_lock, may_write, wrote_nothing
from lms.core.urls import IdConverter
from lms.extensions import babel, csrf, db, limiter, login_manager, migrate, waiting_changed
from lms.organisation.models import Role
from xapi import bounded_json

MIGRATIONS_FOLDER = Path(__file__).resolve().parent.parent / "migrations"


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading no deeper than ``bounded_json.MAX_JSON_DEPTH``: every
    ``request.get_json`` then treats JSON nested past it as bad JSON (400, or None when silent)
    instead of failing with ``RecursionError`` (500)."""

    def loads(self, s, **kwargs):
        return bounded_json.loads(s, **kwargs)


def init_core(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.url_map.converters["int"] = IdConverter
    app.session_interface = KeptCookieSessionInterface()
    db.init_app(app)
    _tune_database(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_FOLDER))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _install_template_gettext(app)
    app.jinja_env.add_extension(FragmentCache)
    _init_login(app)
    app.before_request(_refuse_unguarded_endpoints)
    app.after_request(_commit_or_roll_back)
    app.after_request(_security_headers)
    errors.register(app)
    app.view_functions["static"].access_rule = "public"
    app.jinja_env.globals.update(
        is_admin=access.is_admin,
        is_top_admin=access.is_top_admin,
        can_act_on_account=access.can_act_on_account,
        can_make_sign_in_code=access.can_make_sign_in_code,
        current_locale=_current_locale,
        language_names=LANGUAGE_NAMES,
        roles_held=_roles_held,
    )
    app.jinja_env.filters.update(
        localise=_localise,
        format_date=format_date,
        format_datetime=format_datetime,
        day_and_time=day_and_time,
    )


BUSY_TIMEOUT_MS = 5000

SQLITE_FILE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "cache_size=-32768",
    "mmap_size=0",
    "wal_autocheckpoint=10000",
    "journal_size_limit=67108864",
)
"""For a database file: WAL so jobs and requests mix, and a commit that waits for no disk flush
(``synchronous=NORMAL``, SQLite's advice for WAL: the database cannot be corrupted, and only the
last commits before a power cut, not a crash of the process, may be lost; the write-ahead log is
flushed to disk at each checkpoint); no memory map of the file: a connection drops its page cache
whenever another one has written, and a mapped file is then unmapped whole and mapped again, which
under answers coming in from several threads cost each request a tear-down of the process's page
tables and the page faults after it (``bench/card_page.py``: the answer POST's CPU 0.85 ms with a
2 GiB map, 0.70 ms without; the built-in LRS took 40,000 statements as fast either way); a 32 MiB
page cache per connection for the pages of one transaction; and the write-ahead log copied back
every 10,000 pages (not SQLite's 1,000), so a page written by many commits in a row is copied once,
then truncated to 64 MiB."""


def _tune_database(app: Flask) -> None:
    """SQLite: real transactions with savepoints, foreign keys, ``SQLITE_FILE_PRAGMAS``, and the
    write lock taken up front by transactions that may write (``lms.core.transactions``): SQLite
    then waits its busy timeout for it, instead of failing half-way when another writer came in
    between a read and a write."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    write_gate.install(engine, BUSY_TIMEOUT_MS / 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            for pragma in SQLITE_FILE_PRAGMAS:
                cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if not may_write():
            # On the driver's connection: a plain BEGIN takes no lock, so cannot wait or fail as
            # BEGIN IMMEDIATE can, and SQLAlchemy's statement machinery cost a GET more than it.
            connection.connection.driver_connection.execute("BEGIN")
            return
        begin_with_write_lock(connection)


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Logg inn for å se denne siden.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.id_attribute = "sign_in_cookie_id"
    login_manager._session_identifier_generator = _session_identifier
    login_manager.user_loader(_load_signed_in_person)


def _session_identifier() -> str:
    """Flask-Login's identifier of the browser for its session protection (``_create_identifier``,
    a SHA-512 of the remote address and the user agent, checked on every request), worked out
    once per process for each address and agent."""
    environ = request.environ
    address = environ.get("HTTP_X_FORWARDED_FOR", request.remote_addr)
    return sessions.browser_identifier(address, environ.get("HTTP_USER_AGENT"))


def _load_signed_in_person(cookie_id: str):
    """Flask-Login's user loader. The person's roles, and what the features read along, come in the
    same query, for the page's checks and its menu."""
    found = signed_in_person(cookie_id)
    if found is None:
        return None
    access.remember_held_roles(found.person, found.roles)
    access.remember_read_with(found.person, found.facts)
    return found.person


def _install_template_gettext(app: Flask) -> None:
    """The templates' ``_()`` and ``ngettext()``. Flask-Babel's own look the language up again for
    every string, a few dozen times a page; these use the translations the page is rendered with
    (a template rendered outside ``render_template`` looks them up as before)."""
    app.context_processor(_page_frame)
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True
    )


def _page_frame() -> dict:
    """Looked up once per render: the translations of the templates' ``_()`` and ``ngettext()``,
    and ``current_locale()``, which a page asks for several times (the keys of its kept parts,
    ``lms.core.fragments``); and ``csrf_token()`` in place of Flask-WTF's (registered before this)."""
    locale = _current_locale()
    return {
        "_translations": get_translations(),
        "current_locale": lambda: locale,
        "csrf_token": _csrf_token,
    }


@pass_context
def _template_gettext(context: Context, string: str) -> str:
    return (context.get("_translations") or get_translations()).ugettext(string)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return (context.get("_translations") or get_translations()).ungettext(singular, plural, n)


KEPT_FORM_TOKENS = 4096
_signed_form_tokens: dict[tuple[object, str], str] = {}


def _csrf_token() -> str:
    """The templates' ``csrf_token()``: Flask-WTF's, signed once per process for each session's
    token where tokens never expire (``WTF_CSRF_TIME_LIMIT`` None, as configured). The signature
    holds when it was made, which then nothing checks, so a token signed on an earlier page is
    as good as a new one; signing it again cost every page with a form more than the form.
    A page holds one token: one a form of the view signed already (Flask-WTF keeps it in ``g``)
    is the one kept from then on; else the kept one is what a form made later uses."""
    config = current_app.config
    field = config["WTF_CSRF_FIELD_NAME"]
    raw = session.get(field)
    if raw is None or config["WTF_CSRF_TIME_LIMIT"] is not None:
        return generate_csrf()
    key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)
    signed_here = g.get(field)
    if signed_here is not None and _signed_form_tokens.get(key) != signed_here:
        _signed_form_tokens.pop(key, None)
    token = kept(_signed_form_tokens, key, lambda: signed_here or generate_csrf(), KEPT_FORM_TOKENS)
    setattr(g, field, token)
    return token


def _current_locale() -> str:
    return str(get_locale())


def _roles_held() -> frozenset[Role]:
    """The roles the signed-in person holds on any unit (none when signed out). The site menu's
    items depend on these (``leads_groups()``, ``is_admin()`` and the like), on being signed in,
    and on owning a module (``sees_module_statistics()``): together they key the menu's kept copy
    (``templates/base.html``, ``lms.core.fragments``)."""
    person = access.person_signed_in()
    if person is None:
        return frozenset()
    return frozenset(role for role, _unit in access.held_roles(person))


@pass_context
def _localise(context: Context, text) -> str:
    """A language map in the reader's language (Bokmål when that is missing)."""
    return pick(text, context.get("current_locale", _current_locale)())


def _refuse_unguarded_endpoints() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and not getattr(view, "access_rule", None):
        current_app.logger.error("endpoint %s has no access rule; refused", request.endpoint)
        abort(403)


def _commit_or_roll_back(response):
    """One commit per request: services flush, this commits what a successful request changed.
    A request that never touched the database (a group run's poll, a static file) has nothing to
    commit and gets no session made for it here, unless it changed an object waiting for the
    session (``waiting_changed``: the signed-in person); one that is known to have written nothing
    (``wrote_nothing``: only read, on SQLite) is not committed either: removing the session at the
    end of the request ends its transaction, as it ends a failed request's."""
    if not db.session.registry.has() and not waiting_changed():
        return response
    if response.status_code >= 400:
        db.session.rollback()
    elif not wrote_nothing(db.session()):
        db.session.commit()
    return response


def _security_headers(response):
    """Each security header the view did not set itself. (Asking ``headers`` for each one,
    as ``setdefault`` does, raised and caught an exception for every header not there.)"""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    for name, value in security_headers(current_app.config):
        if name.lower() not in present:
            headers.add(name, value)
    return response
