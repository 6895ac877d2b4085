"""Short-term accounts: the daily job that ends the accounts whose end date has come.

From a person's end date (``Person.ends_on``, a local day) on, every way of signing in refuses them
at once (``Person.may_sign_in``), and a session they already have ends at its next request
(``lms.accounts.sessions.signed_in_person``). This job, each night after the local midnight
(``lms.accounts.feature``: 00:07 UTC), then makes them inactive, deletes their sessions, and
records the end in the audit log and (through ``signals.account_ended``) as an xAPI statement,
once per account. Inactive, they drop out of every count of current staff, and the retention rules
for inactive people apply to what they leave.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from lms import signals
from lms.accounts.sessions import sign_out_everywhere
from lms.audit.services import record
from lms.core.time import local_today
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person


def end_accounts(now: datetime | None = None) -> list[Person]:
    """Make inactive every active person whose end date has come, ending their sessions; returns
    them."""
    now = now or utcnow()
    ended = db.session.scalars(
        sa.select(Person).where(
            Person.active.is_(True),
            Person.erased_at.is_(None),
            Person.ends_on <= local_today(now),
        )
    ).all()
    for person in ended:
        person.active = False
        sign_out_everywhere(person)
        record(None, "person.end", "person", person.id, {"ends_on": person.ends_on.isoformat()}, now)
        signals.account_ended.send(current_app._get_current_object(), person=person, at=now)
    db.session.flush()
    return list(ended)
