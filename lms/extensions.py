"""The Flask extensions: created here, bound to the app in ``create_app``."""

from typing import TypeVar

import flask_limiter
from apscheduler.schedulers.background import BackgroundScheduler
from flask import current_app, g, has_app_context, request
from flask_babel import Babel, Domain
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import inspect

from lms.db import Base

T = TypeVar("T")


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter's limiter, skipping its check ahead of a request's view when that check has
    no limit to apply, which here is every request: the platform's limits are all
    ``@limiter.limit`` on views, which the decorated view checks itself (Flask-Limiter leaves them
    out of the check ahead), and it sets no application, default, meta or blueprint limits.
    Should any of those be set (or a limit hinted for the endpoint), the check runs as before;
    so it does too where a later Flask-Limiter names its parts otherwise."""

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True):
        if in_middleware and not self._may_apply_ahead():
            return
        super()._check_request_limit(callable_name=callable_name, in_middleware=in_middleware)

    def _may_apply_ahead(self) -> bool:
        manager = self.limit_manager
        return bool(
            manager.application_limits
            or manager.default_limits
            or getattr(self, "_meta_limits", True)
            or getattr(self, "_in_memory_fallback", True)
            or getattr(manager, "_blueprint_limits", True)
            or manager.has_hints(request.endpoint or "")
        )


_WAITING = "lms_waiting_for_the_session"


class JoinsWaiting:
    """A session class that, made in an app context, adds the objects waiting for that context's
    session (``join_the_session``). Mixed into the app's session class and into the tests'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if has_app_context():
            for instance in g.pop(_WAITING, ()):
                self.add(instance)


class RequestSession(JoinsWaiting, FlaskSession):
    """``db.session``'s class."""


def join_the_session(instance: object) -> None:
    """Add ``instance``, loaded without the ORM (a persistent object, as
    ``make_transient_to_detached`` leaves it), to the app context's session: now if it is made, else
    when it is made. So a request that reads nothing through the session (the signed-in person is
    read on the driver's connection) never makes one: making it, adding the person and closing it
    again cost a module's start page about a seventh of its CPU."""
    if db.session.registry.has():
        db.session.add(instance)
    else:
        g.setdefault(_WAITING, []).append(instance)


def in_the_session(instance: T) -> T:
    """``instance`` in the app context's session, which is made now if need be. A person read
    without the ORM (the signed-in one, ``join_the_session``) loads a relationship such as
    ``roles`` only there: handing them to code that may use one (e.g. the receivers of a signal,
    whichever runs first), put them in the session first."""
    db.session.add(instance)
    return instance


def waiting_changed() -> bool:
    """Whether an object waiting for the app context's session was changed: the session must then
    be made, for the change to be committed."""
    waiting = g.get(_WAITING, ()) if has_app_context() else ()
    return any(inspect(instance).modified for instance in waiting)


db = SQLAlchemy(model_class=Base, session_options={"class_": RequestSession})
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
scheduler = BackgroundScheduler(timezone="UTC")


class PerAppDomain(Domain):
    """Flask-Babel keeps its translation cache on the one ``Babel`` object, shared by every app in
    the process; but an app's catalogues depend on the plugins it loads (``Feature.translations``),
    so each app keeps a cache of its own."""

    def get_translations_cache(self, ctx) -> dict:
        return current_app.extensions.setdefault("lms.translations", {})


babel.domain_instance = PerAppDomain()
