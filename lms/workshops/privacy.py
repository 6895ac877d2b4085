"""Workshop sign-ups, attendance, evaluations and series led, for "Mine data". On erasure the
person's evaluation texts are blanked and unlinked, and their name, e-mail and phone are taken out
of the notes, agreed actions and descriptions of the series they took part in or led; actions
they owned keep no owner."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.organisation.models import Person
from lms.privacy.sections import Erasure, Section, owned, record_of
from lms.signals import person_erasing, personal_data_requested
from lms.workshops.models import (
    WorkshopAction,
    WorkshopAttendance,
    WorkshopEvaluation,
    WorkshopParticipant,
    WorkshopSeries,
)


@personal_data_requested.connect
def _sections(_app, person: Person) -> list[Section]:
    signed_up = [
        record_of(p, "status", "created_at", "completed_at", series=p.series.title)
        for p in owned(WorkshopParticipant, person)
    ]
    attended = [
        record_of(
            a, "method", "checked_in_at", series=a.session.series.title, session=a.session.starts_at
        )
        for a in owned(WorkshopAttendance, person)
    ]
    evaluations = [
        record_of(e, "usefulness", "takeaway", "improve", "created_at", session=e.session.starts_at)
        for e in owned(WorkshopEvaluation, person)
    ]
    owned_actions = [
        record_of(a, "text", "due_on", "status", "created_at", series=a.session.series.title)
        for a in db.session.scalars(
            sa.select(WorkshopAction).where(WorkshopAction.owner_id == person.id)
        )
    ]
    led = db.session.scalars(sa.select(WorkshopSeries).where(WorkshopSeries.facilitator_id == person.id))
    series = [record_of(s, "title", "created_at", "closed_at") for s in led]
    return [
        Section("workshop_sign_ups", _("Samlingsrekker du er med i"), signed_up, order=50),
        Section("workshop_attendance", _("Oppmøte på samlinger"), attended, order=51),
        Section("workshop_evaluations", _("Dine evalueringer av samlinger"), evaluations, order=52),
        Section("workshop_series_led", _("Samlingsrekker du leder"), series, order=53),
        Section("workshop_actions", _("Tiltak du har ansvar for"), owned_actions, order=54),
    ]


def _actions_owned_by(person: Person) -> list[WorkshopAction]:
    return list(
        db.session.scalars(
            sa.select(WorkshopAction)
            .where(WorkshopAction.owner_id == person.id)
            .order_by(WorkshopAction.id)
        )
    )


def _touched_series(person: Person) -> list[WorkshopSeries]:
    took_part = sa.select(WorkshopParticipant.series_id).where(
        WorkshopParticipant.person_id == person.id
    )
    return list(
        db.session.scalars(
            sa.select(WorkshopSeries).where(
                sa.or_(WorkshopSeries.facilitator_id == person.id, WorkshopSeries.id.in_(took_part))
            )
        )
    )


@person_erasing.connect
def _erase(_app, erasure: Erasure) -> None:
    for evaluation in owned(WorkshopEvaluation, erasure.person):
        evaluation.takeaway = ""
        evaluation.improve = ""
        evaluation.person_id = None
    for action in _actions_owned_by(erasure.person):
        action.owner_id = None
    for series in _touched_series(erasure.person):
        series.title = erasure.scrub(series.title)
        series.description = erasure.scrub(series.description)
        series.agenda = erasure.scrub_json(series.agenda)
        series.questions = erasure.scrub_json(series.questions)
        for session in series.sessions:
            session.notes = erasure.scrub(session.notes)
            for action in session.agreed_actions:
                action.text = erasure.scrub(action.text)
