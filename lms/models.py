"""Every model module, imported so that the metadata is complete for migrations and tests."""

from lms.accounts import models as accounts_models
from lms.organisation import models as organisation_models

__all__ = ["accounts_models", "organisation_models"]
