"""Competence: frameworks, evidence and its expiry (``lms.feature``)."""

from lms.competence import privacy, receivers
from lms.competence.cli import competence_group
from lms.competence.services import refresh_expiring
from lms.competence.views import bp
from lms.feature import Feature, Job

feature = Feature(
    name="competence",
    blueprints=(bp,),
    connect=receivers.connect,
    cli=(competence_group,),
    jobs=(Job("competence-expiry", refresh_expiring, {"trigger": "cron", "hour": 2, "minute": 41}),),
    privacy=privacy,
)
