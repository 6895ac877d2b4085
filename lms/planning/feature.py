"""The yearly competence plan, the needs survey and formal qualifications (``lms.feature``)."""

from lms.feature import Feature
from lms.planning import plan_views, privacy, qualification_views, survey_views  # noqa: F401
from lms.planning.blueprint import bp

feature = Feature(name="planning", blueprints=(bp,), privacy=privacy)
