"""Sending SMS: the gateway ``LMS_SMS_GATEWAY`` names, among those the receivers of the documented
signal ``lms.signals.sms_gateways`` provide (reminders provide ``log``, which appends to
``instance/sms.log``; an enabled plugin may add a real one, ``docs/plugins.md``). A gateway's
factory is called with the app's config and returns an object with ``send(phone, text)``. Reminders
and sign-in codes both send through it."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

from lms.signals import sms_gateways, values_from_signal


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsGateway:
    """Writes each message to a file instead of sending it (development, tests, demo)."""

    def __init__(self, config) -> None:
        self.path = Path(config["INSTANCE_PATH"]) / "sms.log"

    def send(self, phone: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"to": phone, "text": text}, ensure_ascii=False) + "\n")


GatewayFactory = Callable[[Mapping], SmsGateway]


class UnknownSmsGateway(LookupError):
    """``LMS_SMS_GATEWAY`` names a gateway no loaded feature or enabled plugin provides."""


def gateway_factories(app: Flask) -> dict[str, GatewayFactory]:
    """Every SMS gateway the ``sms_gateways`` receivers provide for ``app``, by name."""
    found: dict[str, GatewayFactory] = {}
    for provided in values_from_signal(sms_gateways.send(app)):
        found.update(provided)
    return found


def sms_gateway() -> SmsGateway:
    """The gateway ``LMS_SMS_GATEWAY`` names, made with the app's config."""
    app = current_app._get_current_object()
    name = app.config.get("SMS_GATEWAY") or "log"
    factories = gateway_factories(app)
    if name not in factories:
        known = ", ".join(sorted(factories))
        raise UnknownSmsGateway(
            f"LMS_SMS_GATEWAY is {name!r}, but no loaded feature or enabled plugin provides "
            f"a gateway of that name (provided: {known})"
        )
    return factories[name](app.config)
