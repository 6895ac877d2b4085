"""The needs survey: a manager asks a unit which systems they use in daily work, how confident they
feel with each and how they prefer to learn. People answer once; who answered is kept apart from
the answers. Results exist only in aggregate and only from ``MIN_ANSWERS`` answers: below that
(for the survey, or for one system) nothing but the number of answers is given, on the page, in the
export and through the API alike. Functions flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.extensions import db
from lms.organisation.models import Person, RoleAssignment
from lms.organisation.services import unit_ids_below
from lms.planning.models import Survey, SurveyAnswer, SurveyRespondent

MIN_ANSWERS = 5
"""Fewer answers than this, and no result is shown: with so few, an answer could be told apart."""

CONFIDENCE_LABELS = {
    1: _l("Usikker"),
    2: _l("Litt usikker"),
    3: _l("Ganske trygg"),
    4: _l("Trygg"),
}
UNSURE = (1, 2)

PREFERENCE_LABELS = {
    "phone": _l("Korte moduler på mobilen"),
    "handover": _l("Sammen ved vaktskiftet"),
    "group": _l("Refleksjonsgruppe"),
    "course": _l("Kurs med undervisning"),
    "colleague": _l("Vist av en kollega (superbruker)"),
}

UNSURE_NEED_SHARE = 30
"""A system where at least this share (%) are unsure becomes a need in the plan."""


class AlreadyAnswered(ValueError):
    """A person answers a survey once."""


def create_survey(unit_id: int, title: str, systems: list[str], closes_on: date, by: Person) -> Survey:
    survey = Survey(
        unit_id=unit_id, title=title, systems=systems, closes_on=closes_on, created_by_id=by.id
    )
    db.session.add(survey)
    db.session.flush()
    return survey


def announce(survey: Survey, today: date) -> int:
    """Queue a mail to everyone who may answer and has an e-mail address, in their language;
    returns how many. (People without one find the survey on their home page.)"""
    from flask import current_app, url_for
    from flask_babel import force_locale, format_date
    from flask_babel import gettext as _

    from lms.mail import queue_mail
    from lms.organisation.services import people_in_units

    sent = 0
    link = url_for("planning.answer", survey_id=survey.id, _external=False)
    base = current_app.config["BASE_URL"].rstrip("/")
    for person in people_in_units(unit_ids_below([survey.unit_id])):
        if not person.email or not person.may_sign_in(today):
            continue
        with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject = _("Kartlegging: %(title)s", title=survey.title)
            body = _(
                "Hvilke systemer bruker du i arbeidet, og hvor trygg er du på dem? Svar innen "
                "%(date)s; det tar et par minutter, og svaret lagres uten navnet ditt.",
                date=format_date(survey.closes_on),
            )
        queue_mail(person.email, subject, f"{body}\n\n{base}{link}\n")
        sent += 1
    return sent


def surveys_of(unit_id: int) -> list[Survey]:
    query = sa.select(Survey).where(Survey.unit_id == unit_id)
    return list(db.session.scalars(query.order_by(Survey.created_at.desc(), Survey.id.desc())))


def _reached_unit_ids(person: Person) -> set[int]:
    query = sa.select(RoleAssignment.unit_id).where(RoleAssignment.person_id == person.id)
    return set(db.session.scalars(query))


def may_answer(person: Person, survey: Survey, today: date) -> bool:
    """Anyone holding a role in the survey's unit or below, while it is open."""
    if survey.closes_on < today:
        return False
    return not _reached_unit_ids(person).isdisjoint(unit_ids_below([survey.unit_id]))


def has_answered(person: Person, survey: Survey) -> bool:
    return db.session.get(SurveyRespondent, (survey.id, person.id)) is not None


def open_surveys_for(person: Person, today: date) -> list[Survey]:
    """Open surveys the person may answer and has not answered yet."""
    answered = sa.select(SurveyRespondent.survey_id).where(SurveyRespondent.person_id == person.id)
    query = sa.select(Survey).where(Survey.closes_on >= today, Survey.id.not_in(answered))
    return [
        s for s in db.session.scalars(query.order_by(Survey.closes_on)) if may_answer(person, s, today)
    ]


def answer(survey: Survey, person: Person, confidence: dict[str, int], preferences: list[str]) -> None:
    """Store an answer and, apart from it, that the person has answered."""
    if has_answered(person, survey):
        raise AlreadyAnswered(survey.id)
    kept = {s: int(v) for s, v in confidence.items() if s in survey.systems and v in CONFIDENCE_LABELS}
    chosen = [p for p in PREFERENCE_LABELS if p in preferences]
    db.session.add(SurveyRespondent(survey_id=survey.id, person_id=person.id))
    db.session.add(SurveyAnswer(survey_id=survey.id, confidence=kept, preferences=chosen))
    db.session.flush()


@dataclass(frozen=True)
class SystemResult:
    system: str
    answers: int
    """How many said they use it."""
    counts: dict[int, int] | None
    """Answers per confidence level; None below ``MIN_ANSWERS``."""

    @property
    def shown(self) -> bool:
        return self.counts is not None

    @property
    def unsure_share(self) -> int | None:
        if self.counts is None:
            return None
        return round(100 * sum(self.counts[level] for level in UNSURE) / self.answers)


@dataclass(frozen=True)
class Results:
    survey: Survey
    answers: int
    systems: list[SystemResult]
    """Empty below ``MIN_ANSWERS`` answers."""
    preferences: list[tuple[str, int]]
    """(preference key, how many chose it); empty below ``MIN_ANSWERS`` answers."""

    @property
    def shown(self) -> bool:
        return self.answers >= MIN_ANSWERS


def results(survey: Survey) -> Results:
    """The survey's results in aggregate, withheld below ``MIN_ANSWERS`` answers."""
    rows = list(db.session.scalars(sa.select(SurveyAnswer).where(SurveyAnswer.survey_id == survey.id)))
    if len(rows) < MIN_ANSWERS:
        return Results(survey, len(rows), [], [])
    systems = []
    for system in survey.systems:
        levels = [row.confidence[system] for row in rows if system in row.confidence]
        counts = {level: levels.count(level) for level in CONFIDENCE_LABELS}
        systems.append(SystemResult(system, len(levels), counts if len(levels) >= MIN_ANSWERS else None))
    preferences = [(key, sum(key in row.preferences for row in rows)) for key in PREFERENCE_LABELS]
    return Results(survey, len(rows), systems, preferences)


def unsure_systems(found: Results) -> list[SystemResult]:
    """The systems where at least ``UNSURE_NEED_SHARE`` % are unsure: needs for the plan."""
    return [s for s in found.systems if s.shown and s.unsure_share >= UNSURE_NEED_SHARE]


def suggested_modules(system: str) -> list[str]:
    """Titles of published modules that name the system in their title or description."""
    from lms.content import services as content
    from lms.content.localised import pick

    wanted = system.casefold()
    found = []
    for version in content.published_versions():
        description = version.manifest.get("description")
        text = (
            f"{version.title('nb')} {pick(description, 'nb') if isinstance(description, dict) else ''}"
        )
        text = text.casefold()
        if wanted in text:
            found.append(version.title("nb"))
    return found
