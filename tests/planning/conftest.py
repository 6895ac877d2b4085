"""A requirement on the ward that its people miss, so the plan has a gap to fill in."""

from __future__ import annotations

import pytest

from lms.competence import services as competence
from lms.extensions import db
from lms.organisation.models import Role, Unit, UnitKind
from lms.organisation.services import create_unit
from tests.conftest import add_person
from tests.support.frameworks import import_test_framework


@pytest.fixture
def gap(app, org) -> int:
    """A requirement on Testkompetanse (TEST-1, level 1) for the ward; returns the competence id."""
    with app.app_context():
        code = import_test_framework()
        competence.add_requirement(code, db.session.get(Unit, org.ward.id), 1)
        db.session.commit()
        return code.id


@pytest.fixture
def leaders(app, org):
    """The other leaders the access tests need: the zone's manager, the area's leader, and a
    manager in another municipality."""
    with app.app_context():
        other = create_unit("Nabovik kommune", UnitKind.MUNICIPALITY)
        people = {
            "zone_manager": add_person(
                "Sone Leder", "sone@testvik.no", db.session.get(Unit, org.zone.id), Role.MANAGER
            ),
            "area_leader": add_person(
                "Områdeleder", "omrade@testvik.no", db.session.get(Unit, org.area.id), Role.MANAGER
            ),
            "neighbour": add_person("Nabo Leder", "nabo@nabovik.no", other, Role.MANAGER),
        }
        db.session.commit()
        return people
