"""Units, people and roles, and the admin pages for them (``lms.feature``)."""

from lms.feature import Feature
from lms.organisation import privacy
from lms.organisation.admin import bp as admin_bp
from lms.organisation.views import bp

feature = Feature(name="organisation", blueprints=(bp, admin_bp), privacy=privacy)
