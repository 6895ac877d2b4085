"""The yearly competence plan of a unit, and of an area gathering the plans of its units.

A plan opens with its needs filled in: the gaps against the requirements in the unit and the units
below it (per competence: missing, expired, running out; from the stored requirement status the
matrix reads), and the systems the latest needs survey found people unsure of. The manager adds
their own needs, chooses measures (each with an owner and a due date), moves them through the year
and writes the evaluation at year end. Functions flush; the caller commits."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from lms.competence.models import State
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.organisation.services import people_in_units, unit_ids_below
from lms.planning import surveys
from lms.planning.models import Measure, MeasureKind, MeasureStatus, NeedSource, Plan, PlanNeed
from lms.reports import services as reports

FILLED_IN = (NeedSource.GAP, NeedSource.SURVEY)


def find_plan(unit_id: int, year: int) -> Plan | None:
    return db.session.scalar(sa.select(Plan).where(Plan.unit_id == unit_id, Plan.year == year))


def open_plan(unit: Unit, year: int, by: Person) -> tuple[Plan, bool]:
    """The unit's plan for ``year``, made with its needs filled in if there was none; and whether
    it was made now."""
    plan = find_plan(unit.id, year)
    if plan is not None:
        return plan, False
    plan = Plan(unit_id=unit.id, year=year, created_by_id=by.id)
    db.session.add(plan)
    db.session.flush()
    fill_in_needs(plan)
    return plan, True


def fill_in_needs(plan: Plan) -> None:
    """Replace the gap and survey needs with what the status and the latest survey say now; the
    manager's own needs stay."""
    for need in [n for n in plan.needs if n.source in FILLED_IN]:
        plan.needs.remove(need)
    plan.needs.extend(gap_needs(plan.unit_id))
    plan.needs.extend(survey_needs(plan.unit_id))
    db.session.flush()


def gap_needs(unit_id: int) -> list[PlanNeed]:
    """One need per competence where someone in the unit (or below) misses a requirement."""
    needs = []
    for column in reports.summary(unit_ids_below([unit_id])):
        counts = column.counts
        if not (counts[State.MISSING] or counts[State.EXPIRED] or counts[State.RENEWAL_DUE]):
            continue
        needs.append(
            PlanNeed(
                source=NeedSource.GAP,
                competence_id=column.competence.id,
                text=column.competence.titles.get("nb") or column.competence.code,
                missing=counts[State.MISSING],
                expired=counts[State.EXPIRED],
                expiring=counts[State.RENEWAL_DUE],
            )
        )
    return needs


def survey_needs(unit_id: int) -> list[PlanNeed]:
    """The systems the latest survey with results found many unsure of."""
    for survey in surveys.surveys_of(unit_id):
        found = surveys.results(survey)
        if found.shown:
            return [
                PlanNeed(source=NeedSource.SURVEY, text=s.system, missing=0)
                for s in surveys.unsure_systems(found)
            ]
    return []


def add_need(plan: Plan, text: str) -> PlanNeed:
    need = PlanNeed(source=NeedSource.OWN, text=text)
    plan.needs.append(need)
    db.session.flush()
    return need


def add_measure(
    plan: Plan, kind: MeasureKind, title: str, owner: Person | None, due_on: date
) -> Measure:
    measure = Measure(kind=kind, title=title, owner_id=owner.id if owner else None, due_on=due_on)
    plan.measures.append(measure)
    db.session.flush()
    return measure


def measure_of(plan: Plan, measure_id: int) -> Measure | None:
    """The measure with this id if it belongs to ``plan`` (else None: ids of others reveal nothing)."""
    return next((m for m in plan.measures if m.id == measure_id), None)


def set_status(measure: Measure, status: MeasureStatus) -> None:
    measure.status = status
    db.session.flush()


def set_evaluation(plan: Plan, text: str) -> None:
    plan.evaluation = text
    db.session.flush()


def owner_choices(unit: Unit) -> list[Person]:
    """Who can own a measure: the people of the unit and the units below it."""
    return [p for p in people_in_units(unit_ids_below([unit.id])) if p.erased_at is None]


def units_with_plans(unit: Unit, year: int) -> list[tuple[Unit, Plan | None]]:
    """The units right below ``unit``, each with its plan for ``year`` if it has one: what an area's
    page lists, so that an area leader reaches every unit's plan."""
    found = {plan.unit_id: plan for plan in plans_below(unit, year)}
    return [(child, found.get(child.id)) for child in unit.children]


def plans_below(unit: Unit, year: int) -> list[Plan]:
    """The plans of the units below ``unit`` for ``year``: what an area's plan gathers."""
    below = unit_ids_below([unit.id]) - {unit.id}
    if not below:
        return []
    query = sa.select(Plan).join(Unit).where(Plan.unit_id.in_(below), Plan.year == year)
    return list(db.session.scalars(query.order_by(Unit.name)))


def modules_for(need: PlanNeed) -> list[str]:
    """Published modules that could answer the need: those giving the competence of a gap, those
    naming the system of a survey finding."""
    from lms.competence import services as competence

    if need.source is NeedSource.GAP and need.competence is not None:
        return competence.modules_giving(need.competence.code, 1)
    if need.source is NeedSource.SURVEY:
        return surveys.suggested_modules(need.text)
    return []
