"""Mikrobevis: Open Badges 3.0 credentials (``lms.feature``)."""

from flask import Flask

from lms.credentials import keys, module_views, privacy, receivers
from lms.credentials.cli import credentials_group
from lms.credentials.views import bp
from lms.feature import Feature


def _connect(app: Flask) -> None:
    """At start-up: refuse a signing keys' secret that cannot serve (``keys.check_secret``), then
    connect the receivers."""
    keys.check_secret(app.config)
    receivers.connect(app)


feature = Feature(
    name="credentials",
    blueprints=(bp, module_views.bp),
    connect=_connect,
    cli=(credentials_group,),
    privacy=privacy,
    settings={
        "CREDENTIALS_TRUSTED_ISSUERS": "",
        "CREDENTIALS_KEY_SECRET": None,
        "CREDENTIALS_QUALITY_ASSURANCE": None,
    },
)
