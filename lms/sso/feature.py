"""Single sign-on through an OpenID provider (``lms.feature``)."""

from lms.feature import Feature
from lms.sso import privacy
from lms.sso.views import bp

feature = Feature(name="sso", blueprints=(bp,), privacy=privacy)
