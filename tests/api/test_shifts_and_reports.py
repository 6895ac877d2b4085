"""Shifts pushed by a rostering system, assignments, and the reporting reads."""

from __future__ import annotations

import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.shifts.models import Shift


def give_external_ids(app, org) -> None:
    with app.app_context():
        db.session.get(Person, org.nurse.id).external_id = "NILS"
        db.session.get(Unit, org.ward.id).external_id = "WARD"
        db.session.get(Unit, org.area.id).external_id = "AREA"
        db.session.commit()


PERIOD = {"start": "2026-03-28T00:00:00+01:00", "end": "2026-03-31T00:00:00+02:00"}
SHIFTS = [
    # A night across the change to summer time (2026-03-29): 22:00 CET to 07:00 CEST is 8 hours.
    {"starts_at": "2026-03-28T22:00:00+01:00", "ends_at": "2026-03-29T07:00:00+02:00", "code": "n1"},
    {"starts_at": "2026-03-30T07:30:00+02:00", "ends_at": "2026-03-30T15:00:00+02:00"},
]


def stored_shifts(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Shift.id, Shift.starts_at, Shift.ends_at, Shift.kind, Shift.code).order_by(
                Shift.starts_at
            )
        )
        return [tuple(row) for row in rows]


def test_a_period_of_shifts_is_stored_in_utc_and_sending_it_again_changes_nothing(
    app, client, org, api_headers
):
    give_external_ids(app, org)
    headers = api_headers("shifts:write", "shifts:read")
    response = client.put(
        "/api/v1/people/NILS/shifts", json={**PERIOD, "shifts": SHIFTS}, headers=headers
    )
    assert response.json == {"added": 2, "removed": 0, "unchanged": 0}
    first = stored_shifts(app)
    night = first[0]
    assert night[1].isoformat() == "2026-03-28T21:00:00+00:00"
    assert night[2].isoformat() == "2026-03-29T05:00:00+00:00"
    assert (night[3].value, night[4]) == ("night", "N1")
    again = client.put("/api/v1/people/NILS/shifts", json={**PERIOD, "shifts": SHIFTS}, headers=headers)
    assert again.json == {"added": 0, "removed": 0, "unchanged": 2}
    assert stored_shifts(app) == first
    listed = client.get(
        "/api/v1/people/NILS/shifts",
        query_string={"start": "2026-03-28T00:00:00Z", "end": "2026-04-01T00:00:00Z"},
        headers=headers,
    ).json["shifts"]
    assert [s["starts_at"] for s in listed] == ["2026-03-28T21:00:00Z", "2026-03-30T05:30:00Z"]
    fewer = client.put(
        "/api/v1/people/NILS/shifts", json={**PERIOD, "shifts": SHIFTS[1:]}, headers=headers
    )
    assert fewer.json == {"added": 0, "removed": 1, "unchanged": 1}


def test_overlapping_or_naive_shifts_change_nothing_and_are_named(app, client, org, api_headers):
    give_external_ids(app, org)
    headers = api_headers("shifts:write")
    client.put("/api/v1/people/NILS/shifts", json={**PERIOD, "shifts": SHIFTS}, headers=headers)
    before = stored_shifts(app)
    overlapping = [
        *SHIFTS,
        {"starts_at": "2026-03-30T14:00:00+02:00", "ends_at": "2026-03-30T20:00:00+02:00"},
    ]
    response = client.put(
        "/api/v1/people/NILS/shifts", json={**PERIOD, "shifts": overlapping}, headers=headers
    )
    assert response.status_code == 422
    assert response.json["error"]["details"][0]["where"] == "shifts[2].starts_at"
    naive = [{"starts_at": "2026-03-30T07:30:00", "ends_at": "2026-03-30T15:00:00"}]
    response = client.put(
        "/api/v1/people/NILS/shifts", json={**PERIOD, "shifts": naive}, headers=headers
    )
    assert response.status_code == 400
    assert response.json["error"]["details"][0]["where"] == "shifts[0].starts_at"
    assert stored_shifts(app) == before
    assert (
        client.put(
            "/api/v1/people/NOBODY/shifts", json={**PERIOD, "shifts": []}, headers=headers
        ).status_code
        == 404
    )


def test_assignments_are_made_and_read_and_completion_is_reported(
    app, client, org, api_headers, fixture_module
):
    give_external_ids(app, org)
    headers = api_headers("assignments:write", "assignments:read", "reports:read")
    made = client.post(
        "/api/v1/assignments",
        json={
            "module_id": fixture_module,
            "due_on": "2026-01-15",
            "unit_external_id": "AREA",
            "role": "staff",
        },
        headers=headers,
    )
    assert made.status_code == 201, made.json
    assert made.json["unit_external_id"] == "AREA" and made.json["role"] == "staff"
    both = client.post(
        "/api/v1/assignments",
        json={
            "module_id": fixture_module,
            "due_on": "2026-01-15",
            "unit_external_id": "AREA",
            "person_external_id": "NILS",
        },
        headers=headers,
    )
    assert both.status_code == 400
    unknown = client.post(
        "/api/v1/assignments",
        json={"module_id": "nope", "due_on": "2026-01-15", "unit_external_id": "AREA"},
        headers=headers,
    )
    assert unknown.status_code == 422 and unknown.json["error"]["details"][0]["where"] == "module_id"
    listed = client.get("/api/v1/assignments", headers=headers).json
    assert [a["id"] for a in listed["assignments"]] == [made.json["id"]]
    assert listed["page"]["total"] == 1

    completion = client.get(
        "/api/v1/units/AREA/completion", query_string={"today": "2026-02-01"}, headers=headers
    ).json
    [item] = completion["assignments"]
    # Staff in the area's units: Nils (ward) and Aisha (zone); nobody has started.
    assert (item["total"], item["done"], item["not_started"], item["overdue"]) == (2, 0, 2, 2)
    assert item["done_before"] == 0  # nobody did an earlier round: it is not recurring
    ward = client.get("/api/v1/units/WARD/completion", headers=headers).json["assignments"]
    assert ward[0]["total"] == 1


def test_competence_status_per_unit_and_person(app, client, org, api_headers):
    from lms.competence import services
    from lms.organisation.models import Unit

    give_external_ids(app, org)
    with app.app_context():
        [framework] = services.load_shipped()[:1]
        competence = framework.competences[0]
        services.add_requirement(competence, db.session.get(Unit, org.ward.id), 1, mandatory=True)
        db.session.commit()
        code = competence.code
    headers = api_headers("reports:read")
    unit = client.get("/api/v1/units/WARD/competence", headers=headers).json
    statuses = {p["person_id"]: p["competences"] for p in unit["people"]}
    assert statuses[org.nurse.id] == [
        {
            "competence_code": code,
            "status": "missing",
            "mandatory": True,
            "level": None,
            "required": 1,
            "valid_until": None,
        }
    ]
    person = client.get("/api/v1/people/NILS/competence", headers=headers).json
    assert [(r["competence_code"], r["status"]) for r in person["requirements"]] == [(code, "missing")]
    assert client.get("/api/v1/units/NOPE/competence", headers=headers).status_code == 404


def test_an_assignment_made_through_the_api_can_recur(app, client, org, api_headers, fixture_module):
    give_external_ids(app, org)
    headers = api_headers("assignments:write", "assignments:read")
    body = {"module_id": fixture_module, "due_on": "2026-01-15", "person_external_id": "NILS"}
    made = client.post("/api/v1/assignments", json=body | {"recur_months": 12}, headers=headers)
    assert made.status_code == 201, made.json
    assert made.json["recur_months"] == 12
    zero = client.post("/api/v1/assignments", json=body | {"recur_months": 0}, headers=headers)
    assert zero.status_code in (400, 422) and "recur_months" in str(zero.json)
    listed = client.get("/api/v1/assignments", headers=headers).json
    assert [a["recur_months"] for a in listed["assignments"]] == [12]
