"""Lærevakt: microlearning, group learning and competence for shift-working health and care staff."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from lms.audit import receivers as audit_receivers
from lms.competence import receivers as competence_receivers
from lms.config import load_config
from lms.introduction import receivers as introduction_receivers
from lms.practice import receivers as practice_receivers
from lms.privacy import connect as connect_privacy
from lms.tracking import receivers


def _template_folder() -> str:
    """The repository's ``templates/``, or the copy packed into the wheel."""
    packed = Path(__file__).parent / "templates"
    return str(packed if packed.is_dir() else Path(__file__).parent.parent / "templates")


def create_app(config: Mapping | None = None) -> Flask:
    """Build the application. ``config`` overrides what the ``LMS_*`` environment gives."""
    settings = load_config(given=config)
    settings.update(config or {})
    app = Flask(
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

    init_core(app)
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    _register_blueprints(app)
    receivers.connect()
    competence_receivers.connect()
    audit_receivers.connect()
    practice_receivers.connect()
    introduction_receivers.connect()
    connect_privacy(__path__)
    return app


def _register_blueprints(app: Flask) -> None:
    from lms.accounts.views import bp as accounts_bp
    from lms.api.admin import bp as api_admin_bp
    from lms.api.views import bp as api_bp
    from lms.audit.views import bp as audit_bp
    from lms.competence.views import bp as competence_bp
    from lms.content.admin import bp as content_admin_bp
    from lms.content.views import bp as content_bp
    from lms.core.views import bp as core_bp
    from lms.groups.views import bp as groups_bp
    from lms.introduction.views import bp as introduction_bp
    from lms.learning.views import bp as learning_bp
    from lms.lrs import admin_bp as lrs_admin_bp
    from lms.lrs import api_bp as lrs_api_bp
    from lms.organisation.admin import bp as admin_bp
    from lms.organisation.views import bp as organisation_bp
    from lms.practice.views import bp as practice_bp
    from lms.privacy.views import bp as privacy_bp
    from lms.reminders.views import bp as reminders_bp
    from lms.reports.requirements import bp as requirements_bp
    from lms.reports.views import bp as reports_bp
    from lms.shifts.views import bp as shifts_bp
    from lms.sso.views import bp as sso_bp
    from lms.tracking.views import bp as tracking_bp
    from lms.workshops import facilitator_views, session_views, views  # noqa: F401 (routes on bp)
    from lms.workshops.blueprint import bp as workshops_bp

    for blueprint in (
        core_bp,
        accounts_bp,
        sso_bp,
        organisation_bp,
        admin_bp,
        content_bp,
        content_admin_bp,
        learning_bp,
        practice_bp,
        groups_bp,
        lrs_api_bp,
        lrs_admin_bp,
        tracking_bp,
        shifts_bp,
        reminders_bp,
        competence_bp,
        reports_bp,
        requirements_bp,
        workshops_bp,
        introduction_bp,
        audit_bp,
        privacy_bp,
        api_bp,
        api_admin_bp,
    ):
        app.register_blueprint(blueprint)
