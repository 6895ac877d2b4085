"""The demo's competence planning: Anne Lise Kvam's needs surveys in the home nursing zones and her
yearly competence plan for Hjemmesykepleien sone Nord. Sone Nord's survey has enough answers for its
results to show (one system too few users to show on its own); sone Sør's has too few answers so far
for any result. The plan opens with its needs filled in from the requirements and sone Nord's survey,
and has measures done, under way and planned. Made through the planning services; flushes, never
commits. No mail is sent: the demo's people answer at once."""

from __future__ import annotations

from datetime import date, timedelta

from lms.organisation.models import Person, Role, Unit
from lms.organisation.services import people_in_units
from lms.planning import plans, surveys
from lms.planning.models import MeasureKind, MeasureStatus, Plan, Survey

SYSTEMS = ("Gerica (EPJ)", "Medisinrommet (elektronisk medisinskap)", "Digitalt tilsyn", "Teams")
"""What the surveys ask about; the last is used by too few in sone Nord for its result to show."""

ANSWERS_NORTH = (
    ({"Gerica (EPJ)": 4, "Medisinrommet (elektronisk medisinskap)": 3, "Digitalt tilsyn": 2}, ["phone"]),
    (
        {"Gerica (EPJ)": 3, "Medisinrommet (elektronisk medisinskap)": 4, "Digitalt tilsyn": 1},
        ["handover"],
    ),
    (
        {"Gerica (EPJ)": 4, "Medisinrommet (elektronisk medisinskap)": 2, "Digitalt tilsyn": 2},
        ["colleague"],
    ),
    ({"Gerica (EPJ)": 2, "Medisinrommet (elektronisk medisinskap)": 3, "Digitalt tilsyn": 3}, ["phone"]),
    ({"Gerica (EPJ)": 3, "Medisinrommet (elektronisk medisinskap)": 4, "Digitalt tilsyn": 1}, ["group"]),
    ({"Gerica (EPJ)": 4, "Medisinrommet (elektronisk medisinskap)": 3, "Teams": 2}, ["handover"]),
    ({"Gerica (EPJ)": 3, "Digitalt tilsyn": 2, "Teams": 4}, ["phone", "colleague"]),
)
"""Seven answers (confidence 1 = unsure … 4 = confident, and how they prefer to learn): results
show, Digitalt tilsyn is a need (most are unsure), Teams has two users, too few to show."""

ANSWERS_SOUTH = ANSWERS_NORTH[:3]
"""Three answers so far: fewer than ``surveys.MIN_ANSWERS``, so nothing but the count shows."""

MEASURES = (
    (MeasureKind.MODULE, "Alle tar «Trygg innlogging» før sommeren", -30, MeasureStatus.DONE),
    (
        MeasureKind.WORKSHOP,
        "Refleksjonsgruppe om digitalt tilsyn ved vaktskiftet",
        45,
        MeasureStatus.ONGOING,
    ),
    (MeasureKind.SIGN_OFF, "Praksis i Medisinrommet godkjent for nyansatte", 120, MeasureStatus.PLANNED),
)
"""(kind, title, due in this many days, status), owned by the zones' digital agent."""


def add_planning(home_nursing: tuple[Unit, ...], manager: Person, agent: Person, today: date) -> Plan:
    """The two zones' surveys and sone Nord's plan for this year; returns the plan."""
    north, south = home_nursing
    _survey(north, "Digitale verktøy i sone Nord", ANSWERS_NORTH, manager, today)
    _survey(south, "Digitale verktøy i sone Sør", ANSWERS_SOUTH, manager, today)
    plan, _made = plans.open_plan(north, today.year, manager)
    plans.add_need(plan, "Nyansatte trenger opplæring i Medisinrommet før første kveldsvakt")
    for kind, title, days, status in MEASURES:
        measure = plans.add_measure(plan, kind, title, agent, today + timedelta(days=days))
        plans.set_status(measure, status)
    return plan


def _survey(
    unit: Unit,
    title: str,
    answers: tuple[tuple[dict[str, int], list[str]], ...],
    by: Person,
    today: date,
) -> Survey:
    survey = surveys.create_survey(unit.id, title, list(SYSTEMS), today + timedelta(days=14), by)
    staff = [p for p in people_in_units([unit.id]) if _is_staff(p, unit) and p.email]
    for person, (confidence, preferences) in zip(staff, answers, strict=False):
        surveys.answer(survey, person, confidence, preferences)
    return survey


def _is_staff(person: Person, unit: Unit) -> bool:
    return any(role.role == Role.STAFF and role.unit_id == unit.id for role in person.roles)
