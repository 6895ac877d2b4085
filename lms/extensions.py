"""The Flask extensions: created here, bound to the app in ``create_app``."""

from apscheduler.schedulers.background import BackgroundScheduler
from flask import current_app
from flask_babel import Babel, Domain
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from lms.db import Base

db = SQLAlchemy(model_class=Base)
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
