"""Every model module, imported so that the metadata is complete for migrations and tests."""

from lms.accounts import models as accounts_models
from lms.api import models as api_models
from lms.assignments import models as assignments_models
from lms.audit import models as audit_models
from lms.competence import models as competence_models
from lms.content import models as content_models
from lms.credentials import models as credentials_models
from lms.groups import models as groups_models
from lms.insights import models as insights_models
from lms.introduction import models as introduction_models
from lms.learning import models as learning_models
from lms.mail import outbox as mail_outbox
from lms.organisation import models as organisation_models
from lms.planning import models as planning_models
from lms.practice import models as practice_models
from lms.reminders import models as reminders_models
from lms.reports import models as reports_models
from lms.scheduler import models as scheduler_models
from lms.shifts import models as shifts_models
from lms.sso import models as sso_models
from lms.workshops import models as workshops_models
from xapi import outbox as xapi_outbox
from xapi.lrs import store as xapi_lrs_store

__all__ = [
    "accounts_models",
    "api_models",
    "assignments_models",
    "audit_models",
    "competence_models",
    "content_models",
    "credentials_models",
    "groups_models",
    "insights_models",
    "introduction_models",
    "learning_models",
    "mail_outbox",
    "organisation_models",
    "planning_models",
    "practice_models",
    "reminders_models",
    "reports_models",
    "scheduler_models",
    "shifts_models",
    "sso_models",
    "workshops_models",
    "xapi_lrs_store",
    "xapi_outbox",
]
