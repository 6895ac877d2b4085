"""What the page, the command and the job do, each with the app's config."""

from __future__ import annotations

from flask import current_app

from lms.core.time import local_today, start_of_local_day
from lms_sms_sveve import records
from lms_sms_sveve.gateway import SveveError, SveveGateway

GATEWAY_NAME = "sveve"
TEST_TEXT = "Test fra Lærevakt: SMS-påminnelser kommer fram."


def gateway() -> SveveGateway:
    return SveveGateway(current_app.config)


def send_test(phone: str) -> list[int]:
    """Send the test message to ``phone`` (any form ``e164`` reads); returns Sveve's ids."""
    return gateway().send(phone, TEST_TEXT)


def check_balance() -> int | None:
    """The scheduled job ``sms-sveve-balance``: ask Sveve how many SMS are left and keep the answer
    (or what went wrong) for the status page."""
    instance_path = current_app.config["INSTANCE_PATH"]
    try:
        remaining = gateway().remaining()
    except (SveveError, OSError) as error:
        records.record_balance(instance_path, None, str(error))
        return None
    records.record_balance(instance_path, remaining)
    return remaining


def sent_today() -> int:
    """SMS sent through Sveve since local midnight."""
    since = start_of_local_day(local_today())
    return sum(1 for entry in records.sent(current_app.config["INSTANCE_PATH"]) if entry["at"] >= since)


def is_the_reminder_gateway() -> bool:
    return current_app.config.get("SMS_GATEWAY") == GATEWAY_NAME
