"""What the modules teach us: card statistics and anonymous ratings (``lms.feature``)."""

from lms.feature import Feature
from lms.insights import privacy
from lms.insights.views import bp

feature = Feature(name="insights", blueprints=(bp,), privacy=privacy)
