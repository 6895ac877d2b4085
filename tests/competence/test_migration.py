"""Migration c4a8e2f61d35: module evidence now proves level 1 at most, so the stored requirement
status it alone met above level 1 becomes missing, and a level it alone gave becomes 1; what a
sign-off meets stays."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.orm import Session

from lms import create_app
from lms.competence.models import (
    Evidence,
    EvidenceKind,
    Requirement,
    RequirementStatus,
    State,
)
from lms.core.setup import MIGRATIONS_FOLDER
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit, UnitKind
from tests.conftest import app_config
from tests.support.databases import scratch_database_url

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BEFORE = "7b3e5d9c1a24"


def _framework_with_one_competence(session: Session) -> int:
    session.execute(sa.text("INSERT INTO competence_scales (id, name) VALUES (1, 'Tre')"))
    for n in (1, 2, 3):
        session.execute(
            sa.text(
                "INSERT INTO competence_scale_levels (scale_id, value, name, proficient)"
                " VALUES (1, :n, :name, :proficient)"
            ).bindparams(n=n, name=str(n), proficient=n > 1)
        )
    session.execute(
        sa.text(
            "INSERT INTO competence_frameworks (id, idnumber, shortname, titles, descriptions,"
            " scale_id, taxonomy, created_at) VALUES (1, 'F', 'F', '{}', '{}', 1, '', :now)"
        ).bindparams(now=NOW)
    )
    session.execute(
        sa.text(
            "INSERT INTO competences (id, framework_id, code, position, titles, descriptions,"
            " mappings, created_at) VALUES (1, 1, 'F-1', 0, '{}', '{}', '[]', :now)"
        ).bindparams(now=NOW)
    )
    return 1


def _person_with(session, unit, name: str, requirement: Requirement, level: int, kinds) -> int:
    person = Person(name=name, email=f"{name}@testvik.no")
    session.add_all([person, RoleAssignment(person=person, unit=unit, role=Role.STAFF)])
    session.flush()
    for kind in kinds:
        session.add(Evidence(person_id=person.id, competence_id=1, level=2, kind=kind, achieved_at=NOW))
    session.add(
        RequirementStatus(
            person_id=person.id,
            requirement_id=requirement.id,
            competence_id=1,
            state=int(State.MET),
            level=level,
            since=NOW,
            valid_until=None,
        )
    )
    session.flush()
    return person.id


def test_stored_status_met_by_a_module_alone_above_level_1_becomes_missing(tmp_path):
    url = scratch_database_url(tmp_path, "levels")
    migrated = create_app(app_config(tmp_path, url))
    with migrated.app_context():
        upgrade(directory=str(MIGRATIONS_FOLDER), revision=BEFORE)
        with Session(db.engine) as session:
            unit = Unit(name="Sone", kind=UnitKind.UNIT)
            session.add(unit)
            competence_id = _framework_with_one_competence(session)
            practice = Requirement(competence_id=competence_id, unit=unit, min_level=2)
            knowledge = Requirement(competence_id=competence_id, unit=unit, min_level=1)
            session.add_all([practice, knowledge])
            session.flush()
            module_only = _person_with(session, unit, "modul", practice, 2, [EvidenceKind.MODULE])
            signed_off = _person_with(
                session, unit, "praksis", practice, 2, [EvidenceKind.MODULE, EvidenceKind.SIGN_OFF]
            )
            knows = _person_with(session, unit, "kunnskap", knowledge, 2, [EvidenceKind.MODULE])
            session.commit()

        upgrade(directory=str(MIGRATIONS_FOLDER))
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT person_id, state, level, since FROM competence_requirement_status"
                    " ORDER BY person_id"
                )
            ).all()
        db.engine.dispose()
    by_person = {row.person_id: (row.state, row.level, row.since is None) for row in rows}
    assert by_person[module_only] == (State.MISSING, 1, True)
    assert by_person[signed_off] == (State.MET, 2, False)
    assert by_person[knows] == (State.MET, 1, False)
