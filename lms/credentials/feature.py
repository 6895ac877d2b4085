"""Mikrobevis: Open Badges 3.0 credentials (``lms.feature``)."""

from lms.credentials import module_views, privacy, receivers
from lms.credentials.cli import credentials_group
from lms.credentials.views import bp
from lms.feature import Feature

feature = Feature(
    name="credentials",
    blueprints=(bp, module_views.bp),
    connect=receivers.connect,
    cli=(credentials_group,),
    privacy=privacy,
    settings={
        "CREDENTIALS_TRUSTED_ISSUERS": "",
        "CREDENTIALS_KEY_SECRET": None,
        "CREDENTIALS_QUALITY_ASSURANCE": None,
    },
)
