"""Who did what: the audit log and its page (``lms.feature``)."""

from lms.audit import privacy, receivers
from lms.audit.views import bp
from lms.feature import Feature

feature = Feature(name="audit", blueprints=(bp,), connect=receivers.connect, privacy=privacy)
