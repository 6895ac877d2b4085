"""What planning holds about a person, in "Mine data" and on erasure: their qualifications and
that they answered a survey go; their anonymous answer stays; owning a measure is taken away."""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.planning import plans, qualifications, surveys
from lms.planning.models import (
    Measure,
    MeasureKind,
    Qualification,
    QualificationKind,
    SurveyAnswer,
    SurveyRespondent,
)
from lms.privacy.services import erase


def _fill(app, org) -> None:
    with app.app_context():
        nurse = db.session.get(Person, org.nurse.id)
        manager = db.session.get(Person, org.manager.id)
        qualifications.record_qualification(
            nurse,
            QualificationKind.AUTHORISATION,
            "Sykepleier",
            checked_by=manager,
            checked_on=date(2026, 1, 5),
            hpr_number="1234567",
        )
        survey = surveys.create_survey(
            org.ward.id, "Verktøy", ["Gerica"], date.today() + timedelta(days=7), manager
        )
        surveys.answer(survey, nurse, {"Gerica": 2}, ["phone"])
        plan, _made = plans.open_plan(db.session.get(Unit, org.ward.id), 2026, manager)
        plans.add_measure(plan, MeasureKind.COURSE, "Kurs", nurse, date(2026, 9, 1))
        db.session.commit()


def test_mine_data_shows_qualifications_answered_surveys_and_owned_measures(app, client, org):
    _fill(app, org)
    client.sign_in(org.nurse)
    section = json.loads(client.get("/account/data.json").get_data(as_text=True))["sections"]["planning"]
    assert any(r.get("hpr_number") == "1234567" for r in section)
    assert any("answered_survey" in r for r in section)
    assert any(r.get("title") == "Kurs" and r.get("status") == "planned" for r in section)
    assert not any("confidence" in r for r in section)


def test_erasure_takes_qualifications_and_the_respondent_but_keeps_the_anonymous_answer(app, org):
    _fill(app, org)
    with app.app_context():
        erase(db.session.get(Person, org.nurse.id), db.session.get(Person, org.admin.id))
        db.session.commit()
        count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        assert (count(Qualification), count(SurveyRespondent), count(SurveyAnswer)) == (0, 0, 1)
        assert db.session.scalar(sa.select(Measure.owner_id)) is None
