"""Who sees a unit's plan and surveys: its managers, the leader of its area and the municipality's
admin; not the manager of another unit, not the unit's staff, not a manager in another
municipality. Each page and export is tried by each of them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Unit
from lms.planning import surveys
from lms.planning.models import Survey

LET_IN = {"manager": True, "area_leader": True, "admin": True}
KEPT_OUT = {"zone_manager": False, "nurse": False, "neighbour": False}
CELLS = {**LET_IN, **KEPT_OUT}


@pytest.fixture
def ward_survey(app, org) -> int:
    with app.app_context():
        from lms.organisation.models import Person

        survey = surveys.create_survey(
            org.ward.id,
            "Verktøy",
            ["Gerica"],
            date.today() + timedelta(days=7),
            db.session.get(Person, org.manager.id),
        )
        db.session.commit()
        return survey.id


def _actor(org, leaders, who: str):
    return leaders.get(who) or getattr(org, who)


def _pages(org, survey_id: int) -> list[str]:
    unit = f"/planning/units/{org.ward.id}"
    return [
        f"{unit}/plan",
        f"{unit}/plan.docx",
        f"{unit}/surveys",
        f"{unit}/surveys/{survey_id}",
        f"{unit}/surveys/{survey_id}/results.csv",
    ]


@pytest.mark.parametrize(("who", "let_in"), CELLS.items())
def test_the_plan_and_survey_pages_of_a_unit(client, org, leaders, ward_survey, who, let_in):
    client.sign_in(_actor(org, leaders, who))
    for url in _pages(org, ward_survey):
        status = client.get(url).status_code
        assert (status == 200) if let_in else (status == 403), (who, url, status)


@pytest.mark.parametrize(("who", "let_in"), CELLS.items())
def test_adding_a_measure_to_a_units_plan(app, client, org, leaders, who, let_in):
    client.sign_in(_actor(org, leaders, who))
    response = client.submit(
        f"/planning/units/{org.ward.id}/plan/measures",
        {"title": "Tiltak", "kind": "module", "owner": org.nurse.id, "due_on": "2026-10-01"},
    )
    assert response.status_code == (302 if let_in else 403), who


@pytest.mark.parametrize(("who", "let_in"), CELLS.items())
def test_sending_a_survey_to_a_unit(app, client, org, leaders, who, let_in):
    client.sign_in(_actor(org, leaders, who))
    response = client.submit(
        f"/planning/units/{org.ward.id}/surveys",
        {"title": "Verktøy", "systems": "Gerica", "closes_on": "2030-01-01"},
    )
    assert response.status_code == (302 if let_in else 403), who


def test_a_survey_of_another_unit_is_not_found_through_ones_own(app, client, org, leaders, ward_survey):
    """The zone's manager may open the zone's pages, but not reach the ward's survey through them."""
    client.sign_in(leaders["zone_manager"])
    base = f"/planning/units/{org.zone.id}/surveys/{ward_survey}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/results.csv").status_code == 404


def test_the_planning_index_lists_only_ones_own_units(client, org, leaders):
    client.sign_in(leaders["zone_manager"])
    response = client.get("/planning/")
    assert response.headers["Location"].endswith(f"/planning/units/{org.zone.id}/plan")


def test_a_manager_sees_only_their_units_surveys_listed(app, client, org, leaders, ward_survey):
    client.sign_in(leaders["zone_manager"])
    page = client.get(f"/planning/units/{org.zone.id}/surveys").get_data(as_text=True)
    assert "Verktøy" not in page
    with app.app_context():
        assert db.session.scalar(sa.select(Survey.unit_id)) == db.session.get(Unit, org.ward.id).id
