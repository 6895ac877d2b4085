"""Introduction programmes for newcomers: enrolment on joining a unit, sign-offs, the newcomers'
pages (``lms.feature``)."""

from lms.feature import Feature
from lms.introduction import privacy, receivers
from lms.introduction.views import bp

feature = Feature(name="introduction", blueprints=(bp,), connect=receivers.connect, privacy=privacy)
