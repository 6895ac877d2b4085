"""Workshops: series of sessions, their attendance and evaluations (``lms.feature``)."""

from lms.feature import Feature
from lms.workshops import facilitator_views, privacy, session_views, views  # noqa: F401 (routes on bp)
from lms.workshops.blueprint import bp

feature = Feature(name="workshops", blueprints=(bp,), privacy=privacy)
