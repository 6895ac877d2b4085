"""Sending a sign-in code by SMS: the one place sign-in reaches the SMS gateway."""

from __future__ import annotations

from lms.sms import sms_gateway


def send_sms(number: str, text: str) -> None:
    """Send ``text`` to the E.164 ``number`` through the installation's SMS gateway."""
    sms_gateway().send(number, text)
