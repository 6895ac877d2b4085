"""Group runs of a module led by a facilitator (``lms.feature``)."""

from lms.feature import Feature
from lms.groups import privacy, receivers
from lms.groups.views import bp

feature = Feature(name="groups", blueprints=(bp,), connect=receivers.connect, privacy=privacy)
