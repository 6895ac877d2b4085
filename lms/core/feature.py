"""The home page, declared as a feature of its own (``lms.feature``)."""

from lms.core.views import bp
from lms.feature import Feature

feature = Feature(name="home", blueprints=(bp,))
