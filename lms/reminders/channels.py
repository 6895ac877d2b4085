"""The ways a reminder reaches a person besides the in-app list: e-mail, web push and SMS.

- E-mail goes through ``lms.mail.queue_mail``: into the mail outbox in the sending transaction, sent
  right after it commits, retried by the ``drain-mail`` job if that fails.
- Web push uses pywebpush with VAPID keys made once and kept in the instance folder
  (``vapid_private.pem``, mode 0600); the service worker shows the notification.
- SMS goes through the gateway ``lms.sms.sms_gateway()`` chooses: ``log`` (the default, provided
  here, which appends to ``instance/sms.log``) or one an enabled plugin adds (``docs/plugins.md``).
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from lms.sms import GatewayFactory, LoggingSmsGateway

VAPID_FILE = "vapid_private.pem"


@dataclass(frozen=True)
class Message:
    """A reminder as the channels send it: short, in the person's language, with a direct link."""

    subject: str
    body: str
    url: str


def provide_log_gateway(_app: Flask) -> dict[str, GatewayFactory]:
    """The ``sms_gateways`` receiver of reminders: the ``log`` gateway."""
    return {"log": LoggingSmsGateway}


def sms_text(message: Message) -> str:
    return f"{message.subject} {message.url}"[:300]


# Web push ----------------------------------------------------------------------------------------


def vapid_private_key_path(instance_path: Path) -> Path:
    """The VAPID key file, made the first time it is asked for (mode 0600)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = Path(instance_path) / VAPID_FILE
    if path.exists():
        return path
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path  # another process made it first
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path


def vapid_public_key(instance_path: Path) -> str:
    """The application server key for ``pushManager.subscribe`` (base64url, uncompressed point)."""
    from cryptography.hazmat.primitives import serialization

    pem = vapid_private_key_path(instance_path).read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class PushGone(Exception):
    """The browser said the subscription no longer exists (404/410): forget it."""


def send_push(subscription: dict, message: Message) -> None:
    """Send one web push; raises ``PushGone`` for a dead subscription, other errors as they come."""
    from pywebpush import WebPushException, webpush

    config = current_app.config
    payload = json.dumps({"title": message.subject, "body": message.body, "url": message.url})
    try:
        webpush(
            subscription_info=subscription,
            data=payload,
            vapid_private_key=str(vapid_private_key_path(config["INSTANCE_PATH"])),
            vapid_claims={"sub": config.get("PUSH_CONTACT") or "mailto:noreply@localhost"},
            timeout=10,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            raise PushGone() from error
        raise
