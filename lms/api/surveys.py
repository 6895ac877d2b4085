"""The needs surveys of a unit for reporting tools: the same aggregate as the managers' page
(``lms.planning.surveys``), withheld below ``MIN_ANSWERS`` answers."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from pydantic import BaseModel, Field

from lms.api.errors import ApiError
from lms.api.registry import operation
from lms.extensions import db
from lms.organisation.models import Unit
from lms.planning import surveys


class SystemOut(BaseModel):
    system: str
    answers: int = Field(description="How many said they use the system.")
    confidence: dict[int, int] | None = Field(
        description="Answers per confidence level (1 unsure … 4 confident); null below the minimum."
    )


class SurveyOut(BaseModel):
    survey_id: int
    title: str
    closes_on: date
    answers: int
    shown: bool = Field(description="Whether the survey has enough answers for results.")
    systems: list[SystemOut] = Field(description="Empty unless shown.")
    preferences: dict[str, int] = Field(
        description="How many chose each way to learn; empty unless shown."
    )


class UnitSurveys(BaseModel):
    """The needs surveys sent to the unit, newest first, in aggregate."""

    unit_external_id: str
    minimum_answers: int
    surveys: list[SurveyOut]


def _survey_out(survey) -> SurveyOut:
    found = surveys.results(survey)
    return SurveyOut(
        survey_id=survey.id,
        title=survey.title,
        closes_on=survey.closes_on,
        answers=found.answers,
        shown=found.shown,
        systems=[
            SystemOut(system=s.system, answers=s.answers, confidence=s.counts) for s in found.systems
        ],
        preferences=dict(found.preferences),
    )


@operation(
    "GET",
    "/units/<external_id>/surveys",
    scope="reports:read",
    tag="reports",
    response=UnitSurveys,
)
def unit_surveys(external_id: str) -> UnitSurveys:
    """The needs surveys of a unit, in aggregate and never below the minimum number of answers."""
    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.external_id == external_id))
    if unit_id is None:
        raise ApiError(404, f"No unit has the external id '{external_id}'.")
    return UnitSurveys(
        unit_external_id=external_id,
        minimum_answers=surveys.MIN_ANSWERS,
        surveys=[_survey_out(s) for s in surveys.surveys_of(unit_id)],
    )
