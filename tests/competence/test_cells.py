"""The matrix's kept cells (``lms.competence.cells``): the safety net that rebuilds them, and a
person's cells following their roles in one transaction."""

from __future__ import annotations

import sqlalchemy as sa

from lms.cli import main
from lms.competence import cells
from lms.competence import services as competence
from lms.competence.models import CompetenceCell, State
from lms.extensions import db
from lms.organisation.models import Person, Role, Unit
from lms.organisation.services import grant_role


def _cells_of(person_id: int) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(CompetenceCell.competence_id, CompetenceCell.severity).filter_by(person_id=person_id)
    )
    return {competence_id: severity for competence_id, severity in rows}


def test_the_command_rebuilds_cells_gone_wrong_and_says_how_many(app, org):
    with app.app_context():
        competence.load_shipped()
        security = competence.competences_by_code(["DHK-5"])["DHK-5"]
        competence.add_requirement(security, db.session.get(Unit, org.area.id), 2)
        db.session.execute(sa.delete(CompetenceCell).where(CompetenceCell.person_id == org.nurse.id))
        db.session.commit()
    result = app.test_cli_runner().invoke(main, ["competence", "cells"])
    assert result.exit_code == 0, result.output
    assert "1 cells were wrong; all rebuilt" in result.output
    with app.app_context():
        assert cells.differences() == 0
        assert _cells_of(org.nurse.id) == {security.id: 4 + State.MISSING}


def test_a_role_on_a_unit_with_requirements_gives_its_cells_before_the_commit(app, org):
    with app.app_context():
        competence.load_shipped()
        security = competence.competences_by_code(["DHK-5"])["DHK-5"]
        competence.add_requirement(security, db.session.get(Unit, org.ward.id), 2)
        outsider = db.session.get(Person, org.outsider.id)
        assert _cells_of(outsider.id) == {}
        grant_role(outsider, db.session.get(Unit, org.ward.id), Role.STAFF)
        assert _cells_of(outsider.id) == {security.id: 4 + State.MISSING}
