"""The person's introduction programmes, their mentor and what was signed off, for "Mine data".
On erasure the programme places stay (tied to the pseudonymous row, like completions); being named
as someone's mentor or as the signer of an item is taken away."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.introduction.models import Enrolment, Tick
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, owned, record_of
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    records = []
    for enrolment in owned(Enrolment, person):
        ticks = [
            record_of(t, "item_id", "done_on", signed_by=t.signed_by.name if t.signed_by else None)
            for t in enrolment.ticks
        ]
        mentor = enrolment.mentor.name if enrolment.mentor else None
        records.append(
            record_of(
                enrolment, "starts_on", programme=enrolment.programme.title, mentor=mentor, done=ticks
            )
        )
    return [Section("introduction", _("Din introduksjon"), records, order=36)]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    person_id = erasure.person.id
    db.session.execute(
        sa.update(Enrolment).where(Enrolment.mentor_id == person_id).values(mentor_id=None)
    )
    db.session.execute(sa.update(Tick).where(Tick.signed_by_id == person_id).values(signed_by_id=None))
