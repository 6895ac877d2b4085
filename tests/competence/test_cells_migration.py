"""Migration e5c2b8d41f07 fills the matrix's kept cells for the data already there: the same cells
``lms.competence.cells.cell_query`` gives (roles, units below, job titles, active, status)."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from lms import create_app
from lms.competence import cells
from lms.competence.models import CompetenceCell, Requirement, RequirementStatus, State
from lms.core.setup import MIGRATIONS_FOLDER
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit, UnitKind
from tests.competence.test_migration import _framework_with_one_competence
from tests.conftest import app_config
from tests.support.databases import scratch_database_url

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BEFORE = "c3f1a7d2e8b4"


def _person(session, unit, name: str, role=Role.STAFF, **fields) -> Person:
    person = Person(name=name, email=f"{name}@testvik.no", **fields)
    session.add_all([person, RoleAssignment(person=person, unit=unit, role=role)])
    return person


def test_the_migration_fills_the_cells_of_the_data_already_there(tmp_path):
    url = scratch_database_url(tmp_path, "cells")
    migrated = create_app(app_config(tmp_path, url))
    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS_FOLDER), revision=BEFORE)
        with Session(db.engine) as session:
            area = Unit(name="Område", kind=UnitKind.SERVICE_AREA)
            ward = Unit(name="Avdeling", kind=UnitKind.UNIT, parent=area)
            session.add_all([area, ward])
            competence_id = _framework_with_one_competence(session)
            everyone = Requirement(competence_id=competence_id, unit=area, min_level=2)
            nurses = Requirement(
                competence_id=competence_id,
                unit=ward,
                min_level=1,
                mandatory=False,
                role=Role.STAFF,
                job_title="sykepleier",
            )
            session.add_all([everyone, nurses])
            met = _person(session, ward, "met", job_title="sykepleier")
            manager = _person(session, ward, "leder", role=Role.MANAGER, job_title="sykepleier")
            _person(session, ward, "sluttet", active=False)
            session.flush()
            session.add(
                RequirementStatus(
                    person_id=met.id,
                    requirement_id=everyone.id,
                    competence_id=competence_id,
                    state=int(State.MET),
                    level=2,
                    since=NOW,
                    valid_until=NOW,
                )
            )
            expected = {(met.id, 4 + State.MET), (manager.id, 4 + State.MISSING)}
            session.commit()

        upgrade(directory=str(MIGRATIONS_FOLDER))
        with db.engine.connect() as connection:
            kept = {tuple(row) for row in connection.execute(sa.select(CompetenceCell.__table__))}
            live = {tuple(row) for row in connection.execute(cells.cell_query())}
        db.engine.dispose()
    assert kept == live
    # the nurses' recommended requirement is not the manager's role; the inactive have no cells
    assert {(person_id, severity) for person_id, _c, severity, *_ in kept} == expected
