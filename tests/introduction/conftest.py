"""A home-care zone with an introduction programme for helsefagarbeidere, its manager, two mentors
and a newcomer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from lms.accounts.services import set_password
from lms.core.time import local_today
from lms.extensions import db
from lms.introduction import services
from lms.introduction.models import DueRule, Enrolment, ItemKind, Programme
from lms.organisation.models import Person, Role
from lms.organisation.services import create_person, grant_role
from tests.api.conftest import api_headers  # noqa: F401 (a fixture for the HR sync tests)
from tests.conftest import PASSWORD, Org, add_person


@dataclass
class Intro:
    programme: Programme
    newcomer: Person
    enrolment: Enrolment
    mentor: Person
    other_mentor: Person
    manager: Person
    """The zone's manager (the ward's, ``org.manager``, is another unit's)."""


def make_programme(org: Org, module_id: str | None = None) -> Programme:
    zone, admin = db.session.merge(org.zone), db.session.merge(org.admin)
    programme = services.create_programme(
        zone.id, "Ny i hjemmesykepleien, helsefagarbeider", "helsefagarbeider", admin
    )
    services.add_item(programme, ItemKind.SIGN_OFF, "Medisinrommet", DueRule.SHIFT, 3)
    services.add_item(programme, ItemKind.SIGN_OFF, "Alarmsystemet", DueRule.DAYS, 14)
    if module_id:
        services.add_item(
            programme, ItemKind.MODULE, "Alle korttyper", DueRule.DAYS, 7, module_id=module_id
        )
    return programme


def join(org: Org, name: str, email: str, start: date) -> Person:
    """A helsefagarbeider who joins the zone by hand (``grant_role``), starting ``start``."""
    person = create_person(name, email=email, job_title="helsefagarbeider", start_date=start)
    set_password(person, PASSWORD)
    grant_role(person, db.session.merge(org.zone), Role.STAFF)
    return person


@pytest.fixture
def intro(app, org, fixture_module) -> Intro:
    with app.app_context():
        programme = make_programme(org, fixture_module)
        zone = db.session.merge(org.zone)
        mentor = add_person("Marit Fadder", "marit@testvik.no", zone, Role.STAFF, "sykepleier")
        other = add_person("Otto Fadder", "otto@testvik.no", zone, Role.STAFF, "sykepleier")
        manager = add_person("Hanne Leder", "hanne@testvik.no", zone, Role.MANAGER)
        newcomer = join(org, "Nora Ny", "nora@testvik.no", local_today() - timedelta(days=3))
        enrolment = db.session.query(Enrolment).filter_by(person_id=newcomer.id).one()
        services.set_mentor(enrolment, mentor)
        second = join(org, "Per Annen", "per@testvik.no", local_today())
        services.set_mentor(db.session.query(Enrolment).filter_by(person_id=second.id).one(), other)
        db.session.commit()
        return Intro(programme, newcomer, enrolment, mentor, other, manager)
