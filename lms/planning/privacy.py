"""What the planning feature holds about a person, for "Mine data": their formal qualifications,
the surveys they answered (not the answers: those are not tied to anyone) and the measures they own.
On erasure the qualifications and the record of having answered go; owning a measure is taken away."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.organisation.models import Person
from lms.planning.models import Measure, Qualification, SurveyRespondent
from lms.privacy.sections import Erasure, Section, owned, record_of
from lms.signals import person_erasing, personal_data_requested


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    records = [
        record_of(q, "title", "hpr_number", "achieved_on", "checked_on", kind=q.kind.value)
        for q in owned(Qualification, person)
    ]
    answered = db.session.scalars(
        sa.select(SurveyRespondent.survey_id).where(SurveyRespondent.person_id == person.id)
    )
    records += [{"answered_survey": survey_id} for survey_id in answered]
    owns = db.session.scalars(sa.select(Measure).where(Measure.owner_id == person.id))
    records += [record_of(m, "title", "due_on", status=m.status.value) for m in owns]
    return [Section("planning", _("Kvalifikasjoner og kompetanseplan"), records, order=37)]


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    person_id = erasure.person.id
    db.session.execute(sa.delete(Qualification).where(Qualification.person_id == person_id))
    db.session.execute(sa.delete(SurveyRespondent).where(SurveyRespondent.person_id == person_id))
    db.session.execute(sa.update(Measure).where(Measure.owner_id == person_id).values(owner_id=None))
    db.session.execute(
        sa.update(Qualification)
        .where(Qualification.checked_by_id == person_id)
        .values(checked_by_id=None)
    )
