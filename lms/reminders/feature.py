"""Reminders planned around shifts and sent by e-mail, web push and SMS (``lms.feature``)."""

from lms.feature import Feature, Job
from lms.reminders import privacy
from lms.reminders.cli import scheduler_group
from lms.reminders.services import tick
from lms.reminders.views import bp

feature = Feature(
    name="reminders",
    blueprints=(bp,),
    cli=(scheduler_group,),
    jobs=(
        Job(
            "send-reminders",
            tick,
            lambda config: {"trigger": "interval", "minutes": config.get("REMINDER_TICK_MINUTES", 5)},
        ),
    ),
    privacy=privacy,
)
