"""The person's own data, erasure and retention, and the public privacy pages (``lms.feature``)."""

from lms.feature import Feature, Job
from lms.privacy.retention import apply_retention
from lms.privacy.views import bp

feature = Feature(
    name="privacy",
    blueprints=(bp,),
    jobs=(Job("apply-retention", apply_retention, {"trigger": "cron", "hour": 3, "minute": 47}),),
)
