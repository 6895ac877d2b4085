"""Module packages: the library, their admin pages and ``lms modules`` (``lms.feature``)."""

from lms.content.admin import bp as admin_bp
from lms.content.cli import modules
from lms.content.views import bp
from lms.feature import Feature

feature = Feature(name="content", blueprints=(bp, admin_bp), cli=(modules,))
