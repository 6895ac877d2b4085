"""Sign-in, sessions and the person's own account (``lms.feature``)."""

from lms.accounts import privacy
from lms.accounts.codes import prune_sign_in_codes
from lms.accounts.ending import end_accounts
from lms.accounts.services import prune_sign_in_links
from lms.accounts.sessions import prune_sessions
from lms.accounts.views import bp
from lms.feature import Feature, Job

HOURLY = {"trigger": "interval", "hours": 1}

feature = Feature(
    name="accounts",
    blueprints=(bp,),
    jobs=(
        Job("prune-sign-in-links", prune_sign_in_links, HOURLY),
        Job("prune-sign-in-codes", prune_sign_in_codes, HOURLY),
        Job("prune-sign-in-sessions", prune_sessions, HOURLY),
        Job("end-accounts", end_accounts, {"trigger": "cron", "hour": 0, "minute": 7}),
    ),
    privacy=privacy,
)
