"""Lærevakt: microlearning, group learning and competence for shift-working health and care staff."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.config import load_config


def _template_folder() -> str:
    """The repository's ``templates/``, or the copy packed into the wheel."""
    packed = Path(__file__).parent / "templates"
    return str(packed if packed.is_dir() else Path(__file__).parent.parent / "templates")


class App(Flask):
    """Flask, telling a plain function from a coroutine function by its code flags."""

    def ensure_sync(self, func: Callable) -> Callable:
        """Flask's, which asks ``inspect.iscoroutinefunction`` of every before- and after-request
        function, context processor, teardown and view, about 18 times a page: a plain function
        or method is returned as it is after one look at its code's flags; anything else (a
        partial, a callable object, a coroutine function) goes to Flask as before."""
        code = getattr(func, "__code__", None)
        if code is not None and not code.co_flags & inspect.CO_COROUTINE:
            return func
        return super().ensure_sync(func)


def create_app(config: Mapping | None = None) -> Flask:
    """Build the application. ``config`` overrides what the ``LMS_*`` environment gives."""
    settings = load_config(given=config)
    settings.update(config or {})
    app = App(
        __name__,
        template_folder=_template_folder(),
        instance_path=str(settings["INSTANCE_PATH"]),
        instance_relative_config=False,
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    for chatty in ("alembic.runtime.plugins", "apscheduler.executors.default"):
        logging.getLogger(chatty).setLevel(logging.WARNING)

    from lms.core.setup import init_core
    from lms.loading import load_features
    from lms.scheduler import start_scheduler

    init_core(app)
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    load_features(app)
    if app.config["SCHEDULER_ENABLED"]:
        start_scheduler(app)
    return app
