"""Learning history for the demo municipality, made through the real services: the shipped modules
installed, modules assigned with due dates, and staff with modules done and in progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lms.assignments.services import assign_to_unit
from lms.competence.demo import add_competence_history
from lms.content import services as content
from lms.content.cards.base import Card
from lms.learning import services as learning
from lms.organisation.models import Person, Role, Unit
from lms.reminders.demo import add_rotas_and_reminders
from lms.workshops.demo import add_workshop_history

REFLECTION = "Jeg tar med meg at jeg skal si fra tidligere når noe er uklart."


@dataclass(frozen=True)
class Plan:
    """Who does what: every ``step``-th staff member from ``offset`` takes ``module``."""

    module: str
    offset: int
    step: int
    finish: bool
    wrong: int = 0


PLANS = (
    Plan("trygg-innlogging", offset=0, step=2, finish=True),
    Plan("taushetsplikt-digitalt", offset=1, step=3, finish=True, wrong=1),
    Plan("gjenkjenne-phishing", offset=2, step=5, finish=True, wrong=2),
    Plan("velferdsteknologi-i-hverdagen", offset=1, step=4, finish=False),
    Plan("tor-a-trykke", offset=3, step=6, finish=False),
)


@dataclass(frozen=True)
class DemoUnits:
    area: Unit
    home_nursing: tuple[Unit, ...]
    nursing_home: tuple[Unit, ...]


def add_learning_history(units: DemoUnits, staff: list[Person], today: date) -> int:
    """Install the shipped modules, assign some, and let staff take them; returns attempts made."""
    content.sync()
    add_competence_history(units, staff, today)
    _assign(units, today)
    made = 0
    for plan in PLANS:
        version = content.current_version(plan.module)
        if version is None:
            continue
        for person in staff[plan.offset :: plan.step]:
            _take(person, version, plan)
            made += 1
    add_workshop_history(units.nursing_home[-1], staff, today)
    add_rotas_and_reminders(staff, today)
    return made


def _assign(units: DemoUnits, today: date) -> None:
    assign_to_unit("trygg-innlogging", units.area, today + timedelta(days=21), role=Role.STAFF)
    for ward in units.nursing_home:
        assign_to_unit("taushetsplikt-digitalt", ward, today - timedelta(days=10))
    for zone in units.home_nursing:
        assign_to_unit("velferdsteknologi-i-hverdagen", zone, today + timedelta(days=42))


def _take(person: Person, version, plan: Plan) -> None:
    attempt = learning.start_or_resume(person, version)
    module = learning.module_of(attempt)
    stop = len(module.cards) if plan.finish else len(module.cards) // 2
    wrong_left = plan.wrong
    for card in module.cards[:stop]:
        response = demo_response(card, right=not (card.data.get("scored") and wrong_left > 0))
        if card.data.get("scored"):
            wrong_left = max(0, wrong_left - 1)
        if response is not None:
            learning.submit_answer(attempt, card, response)
        learning.move_to(attempt, module, card.index + 1)


def demo_response(card: Card, *, right: bool) -> Any:
    """A response to a built-in card, right or wrong; None for cards that take none."""
    data = card.data
    if card.type in ("single_choice", "multiple_choice"):
        correct = [o["id"] for o in data["options"] if o["correct"]]
        wrong = [o["id"] for o in data["options"] if not o["correct"]][:1]
        return correct if right or not wrong else wrong
    if card.type == "true_false":
        return data["answer"] if right else not data["answer"]
    if card.type == "ordering":
        order = [item["id"] for item in data["items"]]
        return order if right else order[::-1]
    if card.type in ("poll", "likert"):
        return data["options"][len(data["options"]) // 2]["id"]
    if card.type == "reflection":
        return REFLECTION
    if card.type == "practice":
        return True
    return None
