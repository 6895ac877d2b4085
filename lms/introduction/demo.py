"""The demo's newcomer: Senait Tesfaye, helsefagarbeider in Hjemmesykepleien sone Nord, two weeks
in, with Mohammed Ali Hassan as her mentor and her introduction programme partly done. Made through
the real services; flushes, never commits."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from lms.content import services as content
from lms.extensions import db
from lms.introduction import services
from lms.introduction.models import DueRule, ItemKind
from lms.learning import services as learning
from lms.learning.standing import Verdict
from lms.organisation.models import Person, Unit

NEWCOMER = "Senait Tesfaye"
MENTOR = "Mohammed Ali Hassan"
PROGRAMME = "Ny i hjemmesykepleien, helsefagarbeider"
PRACTICAL = (
    ("Medisinrommet", DueRule.SHIFT, 3, 10),
    ("Alarmsystemet og trygghetsalarmene", DueRule.SHIFT, 2, 12),
    ("EPJ: dokumentasjon i journalen", DueRule.SHIFT, 5, None),
    ("Nøkkelrutiner og bilen", DueRule.DAYS, 21, None),
)
"""(item, rule, count, signed off this many days ago or None)."""
MODULES = (("trygg-innlogging", 7, True), ("velferdsteknologi-i-hverdagen", 30, False))
"""(module, within days, done)."""


def add_introduction(zone: Unit, manager: Person, today: date) -> Person:
    """The programme of ``zone`` for helsefagarbeidere, and the newcomer in it."""
    programme = services.create_programme(zone.id, PROGRAMME, "helsefagarbeider", manager)
    for module_id, days, _done in MODULES:
        version = content.current_version(module_id)
        if version is not None:
            title = version.manifest["title"]["nb"]
            services.add_item(programme, ItemKind.MODULE, title, DueRule.DAYS, days, module_id=module_id)
    items = {
        title: services.add_item(programme, ItemKind.SIGN_OFF, title, rule, count)
        for title, rule, count, _ago in PRACTICAL
    }
    newcomer, mentor = (_person(name) for name in (NEWCOMER, MENTOR))
    newcomer.start_date = today - timedelta(days=14)
    (enrolment,) = services.enrol_joiners([(newcomer.id, zone.id)], today)
    services.set_mentor(enrolment, mentor)
    for title, _rule, _count, ago in PRACTICAL:
        if ago is not None:
            services.sign_off(enrolment, items[title], mentor, today - timedelta(days=ago))
    for module_id, _days, done in MODULES:
        version = content.current_version(module_id)
        if done and version is not None:
            attempt = learning.start_or_resume(newcomer, version)
            passed = learning.Outcome(score=1.0, passed=True, verdict=Verdict.PASSED)
            learning.complete(attempt, learning.module_of(attempt), passed)
    return newcomer


def _person(name: str) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.name == name))
