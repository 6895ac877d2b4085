"""The plugin's ``Feature`` (entry point ``sms-sveve`` in ``lms.plugins``)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from lms.feature import Feature, Job
from lms.signals import person_erasing, personal_data_requested, sms_gateways
from lms_sms_sveve import privacy
from lms_sms_sveve.cli import sms_sveve_group
from lms_sms_sveve.gateway import SveveGateway
from lms_sms_sveve.service import GATEWAY_NAME, check_balance
from lms_sms_sveve.views import bp


def provide_gateway(_app: Flask) -> dict:
    """The ``sms_gateways`` receiver: ``LMS_SMS_GATEWAY=sveve`` picks this one."""
    return {GATEWAY_NAME: SveveGateway}


def connect(app: Flask) -> None:
    """Receivers for this app only (``sender=app``): another app in the same process that does not
    enable the plugin neither gets the gateway nor shows its records."""
    sms_gateways.connect(provide_gateway, sender=app)
    personal_data_requested.connect(privacy.sections, sender=app)
    person_erasing.connect(privacy.erase, sender=app)


feature = Feature(
    name="sms-sveve",
    blueprints=(bp,),
    connect=connect,
    cli=(sms_sveve_group,),
    jobs=(Job("sms-sveve-balance", check_balance, {"trigger": "interval", "hours": 1}),),
    privacy=privacy,
    settings={
        "SVEVE_URL": "https://sveve.no",
        "SVEVE_USER": None,
        "SVEVE_PASSWORD": None,
        "SVEVE_SENDER": "Laerevakt",
    },
    translations=Path(__file__).parent / "translations",
)
