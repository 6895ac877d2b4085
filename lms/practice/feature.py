"""Practice follow-ups: "Hvordan gikk det?" on a later shift after a practice card's commitment
(``lms.feature``)."""

from lms.feature import Feature
from lms.practice import privacy, receivers
from lms.practice.views import bp

feature = Feature(name="practice", blueprints=(bp,), connect=receivers.connect, privacy=privacy)
