"""Taking a module on one's own (``lms.feature``)."""

from lms.feature import Feature
from lms.learning import privacy, receivers
from lms.learning.views import bp

feature = Feature(name="learning", blueprints=(bp,), connect=receivers.connect, privacy=privacy)
