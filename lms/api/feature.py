"""The REST API for other systems, its keys page and ``lms api`` (``lms.feature``)."""

from lms.api.admin import bp as admin_bp
from lms.api.cli import api_group
from lms.api.views import bp
from lms.feature import Feature

feature = Feature(name="api", blueprints=(bp, admin_bp), cli=(api_group,))
