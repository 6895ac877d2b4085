"""Evaluations of a session, and the anonymous summary the facilitator sees."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.organisation.models import Person
from lms.workshops.attendance import attendance_of
from lms.workshops.errors import WorkshopError
from lms.workshops.models import (
    WorkshopAttendance,
    WorkshopEvaluation,
    WorkshopSession,
)

MIN_EVALUATIONS_SHOWN = 3
"""The facilitator sees a session's evaluation once this many have answered: with fewer, an answer
could be told apart by who was there."""


def has_attended(session: WorkshopSession, person: Person) -> bool:
    return attendance_of(session, person.id) is not None


def evaluation_by(session: WorkshopSession, person: Person) -> WorkshopEvaluation | None:
    return db.session.scalar(
        sa.select(WorkshopEvaluation).filter_by(session_id=session.id, person_id=person.id)
    )


def submit_evaluation(
    session: WorkshopSession, person: Person, usefulness: int, takeaway: str, improve: str
) -> WorkshopEvaluation:
    if not has_attended(session, person):
        raise WorkshopError(_("Bare de som var på samlingen, kan evaluere den."))
    if evaluation_by(session, person) is not None:
        raise WorkshopError(_("Du har allerede evaluert denne samlingen. Takk!"))
    if not 1 <= usefulness <= 5:
        raise WorkshopError(_("Velg et tall fra 1 til 5."))
    evaluation = WorkshopEvaluation(
        session=session,
        person_id=person.id,
        usefulness=usefulness,
        takeaway=(takeaway or "").strip()[:2000],
        improve=(improve or "").strip()[:2000],
    )
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


@dataclass(frozen=True)
class EvaluationSummary:
    """What the facilitator sees: counts and texts, never who answered what."""

    answers: int
    attended: int
    shown: bool
    average: float | None
    distribution: dict[int, int]
    takeaways: list[str]
    improvements: list[str]


def evaluation_summary(session: WorkshopSession) -> EvaluationSummary:
    rows = db.session.execute(
        sa.select(
            WorkshopEvaluation.usefulness, WorkshopEvaluation.takeaway, WorkshopEvaluation.improve
        ).where(WorkshopEvaluation.session_id == session.id)
    ).all()
    attended = db.session.scalar(
        sa.select(sa.func.count()).where(WorkshopAttendance.session_id == session.id)
    )
    shown = len(rows) >= MIN_EVALUATIONS_SHOWN
    counts = Counter(row.usefulness for row in rows)
    return EvaluationSummary(
        answers=len(rows),
        attended=attended or 0,
        shown=shown,
        average=round(sum(r.usefulness for r in rows) / len(rows), 1) if rows and shown else None,
        distribution={score: counts.get(score, 0) for score in range(1, 6)} if shown else {},
        # Sorted by text, not by time: the order says nothing about who answered when.
        takeaways=sorted((r.takeaway for r in rows if r.takeaway), key=str.casefold) if shown else [],
        improvements=sorted((r.improve for r in rows if r.improve), key=str.casefold) if shown else [],
    )
