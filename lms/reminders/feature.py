"""Reminders planned around shifts and sent by e-mail, web push and SMS (``lms.feature``)."""

from flask import Flask

from lms.feature import Feature, Job
from lms.reminders import privacy
from lms.reminders.channels import provide_log_gateway
from lms.reminders.sending import tick
from lms.reminders.views import bp
from lms.signals import sms_gateways


def _connect(_app: Flask) -> None:
    sms_gateways.connect(provide_log_gateway)


feature = Feature(
    name="reminders",
    blueprints=(bp,),
    connect=_connect,
    jobs=(
        Job(
            "send-reminders",
            tick,
            lambda config: {"trigger": "interval", "minutes": config.get("REMINDER_TICK_MINUTES", 5)},
        ),
    ),
    privacy=privacy,
)
