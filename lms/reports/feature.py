"""Reports for leaders, and the requirements they set for their units (``lms.feature``)."""

from lms.feature import Feature
from lms.reports.requirements import bp as requirements_bp
from lms.reports.views import bp

feature = Feature(name="reports", blueprints=(bp, requirements_bp))
