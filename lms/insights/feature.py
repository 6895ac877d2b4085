"""What the modules teach us: card statistics and anonymous ratings (``lms.feature``)."""

from lms.feature import Feature
from lms.insights import privacy, receivers
from lms.insights.views import bp

feature = Feature(name="insights", blueprints=(bp,), connect=receivers.connect, privacy=privacy)
