"""Module packages: the library, their admin pages and ``lms modules`` (``lms.feature``)."""

from lms.content.admin import bp as admin_bp
from lms.content.cli import modules
from lms.content.review_reminders import send_review_reminders
from lms.content.views import bp
from lms.feature import Feature, Job

feature = Feature(
    name="content",
    blueprints=(bp, admin_bp),
    cli=(modules,),
    jobs=(Job("module-review", send_review_reminders, {"trigger": "cron", "hour": 7, "minute": 13}),),
)
