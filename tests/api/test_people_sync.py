"""The HR sync of people: idempotent, all or nothing, bulk, and blind to erased people."""

from __future__ import annotations

import sqlalchemy as sa

from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit, UnitKind
from lms.organisation.services import create_person, create_unit


def hr_units(app) -> None:
    with app.app_context():
        top = create_unit("Syncvik kommune", UnitKind.MUNICIPALITY)
        top.external_id = "K1"
        for n in range(5):
            unit = create_unit(f"Enhet {n}", UnitKind.UNIT, top)
            unit.external_id = f"U{n}"
        db.session.commit()


def record(n: int, **changes) -> dict:
    person = {
        "external_id": f"H{n:05}",
        "name": f"Person {n:05}",
        "email": f"p{n}@syncvik.no",
        "phone": "+47 900 00 000" if n % 2 else None,
        "job_title": "sykepleier" if n % 3 else "Helsefagarbeider",
        "active": n % 50 != 0,
        "roles": [{"unit_external_id": f"U{n % 5}", "role": "staff"}],
    }
    if n % 100 == 0:
        person["roles"].append({"unit_external_id": "K1", "role": "manager"})
    return {**person, **changes}


def snapshot(app) -> list[tuple]:
    with app.app_context():
        people = db.session.execute(
            sa.select(
                Person.id,
                Person.external_id,
                Person.name,
                Person.email,
                Person.phone,
                Person.job_title,
                Person.active,
            ).order_by(Person.id)
        ).all()
        roles = db.session.execute(
            sa.select(
                RoleAssignment.id, RoleAssignment.person_id, RoleAssignment.unit_id, RoleAssignment.role
            ).order_by(RoleAssignment.id)
        ).all()
    return [tuple(row) for row in people + roles]


def test_syncing_5000_people_twice_changes_nothing_the_second_time(
    app, client, api_headers, count_queries
):
    hr_units(app)
    headers = api_headers("people:write")
    payload = {"people": [record(n) for n in range(5000)]}
    with count_queries() as first:
        response = client.put("/api/v1/people", json=payload, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json == {"created": 5000, "updated": 0, "unchanged": 0}
    after_first = snapshot(app)
    with app.app_context():
        stored = db.session.scalar(sa.select(Person).where(Person.external_id == "H00300"))
        assert (stored.name, stored.email, stored.job_title, stored.active) == (
            "Person 00300",
            "p300@syncvik.no",
            "helsefagarbeider",
            False,
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment)) == 5050

    with count_queries() as second:
        response = client.put("/api/v1/people", json=payload, headers=headers)
    assert response.status_code == 200
    assert response.json == {"created": 0, "updated": 0, "unchanged": 5000}
    assert snapshot(app) == after_first
    # Bulk: a few chunked reads (and for the first sync, batched writes), never one per person.
    assert second.n < 30
    assert first.n < 60


def test_a_changed_record_updates_that_person_and_their_roles_only(app, client, api_headers):
    hr_units(app)
    headers = api_headers("people:write")
    payload = {"people": [record(n) for n in range(1, 4)]}
    assert client.put("/api/v1/people", json=payload, headers=headers).status_code == 200
    payload["people"][1] = record(
        2, phone="+47 911 11 111", roles=[{"unit_external_id": "U4", "role": "facilitator"}]
    )
    response = client.put("/api/v1/people", json=payload, headers=headers)
    assert response.json == {"created": 0, "updated": 1, "unchanged": 2}
    person = client.get("/api/v1/people/H00002", headers=api_headers("people:read")).json
    assert person["phone"] == "+4791111111"
    assert [(r["unit_external_id"], r["role"]) for r in person["roles"]] == [("U4", "facilitator")]


def test_one_bad_record_changes_nothing_and_is_named(app, client, api_headers):
    hr_units(app)
    headers = api_headers("people:write")
    client.put("/api/v1/people", json={"people": [record(n) for n in range(10)]}, headers=headers)
    before = snapshot(app)
    people = [record(n, name=f"Nytt navn {n}") for n in range(20)]
    people[13]["email"] = "ikke-en-adresse"
    response = client.put("/api/v1/people", json={"people": people}, headers=headers)
    assert response.status_code == 400
    error = response.json["error"]
    assert error["status"] == 400
    assert "nothing was changed" in error["message"]
    assert error["details"] == [
        {"where": "people[13].email", "what": error["details"][0]["what"], "external_id": "H00013"}
    ]
    assert "ikke-en-adresse" in error["details"][0]["what"]
    assert snapshot(app) == before


def test_a_record_of_the_wrong_shape_is_named_with_its_field(app, client, api_headers):
    hr_units(app)
    people = [record(n) for n in range(5)]
    people[3]["roles"][0]["role"] = "sjef"
    people[4]["unit"] = "U1"
    response = client.put("/api/v1/people", json={"people": people}, headers=api_headers("people:write"))
    assert response.status_code == 400
    places = {(d["where"], d.get("external_id")) for d in response.json["error"]["details"]}
    assert places == {("people[3].roles[0].role", "H00003"), ("people[4].unit", "H00004")}
    assert snapshot(app) == snapshot(app) and _people_count(app) == 0


def test_unknown_units_and_duplicate_ids_are_named(app, client, api_headers):
    hr_units(app)
    people = [record(1), record(2, roles=[{"unit_external_id": "NOPE", "role": "staff"}]), record(1)]
    response = client.put("/api/v1/people", json={"people": people}, headers=api_headers("people:write"))
    assert response.status_code == 400
    places = [d["where"] for d in response.json["error"]["details"]]
    assert "people[1].roles[0].unit_external_id" in places
    assert "people[2].external_id" in places
    assert _people_count(app) == 0


def test_a_first_sync_finds_people_by_email_and_an_email_of_someone_else_conflicts(
    app, client, api_headers, org
):
    hr_units(app)
    headers = api_headers("people:write")
    response = client.put(
        "/api/v1/people", json={"people": [record(1, email="nils@testvik.no")]}, headers=headers
    )
    assert response.json == {"created": 0, "updated": 1, "unchanged": 0}
    with app.app_context():
        nils = db.session.get(Person, org.nurse.id)
        assert nils.external_id == "H00001"
        # The role Nils was given by hand (on a unit without an external id) is still there.
        assert (org.ward.id, Role.STAFF) in {(r.unit_id, r.role) for r in nils.roles}
    response = client.put(
        "/api/v1/people", json={"people": [record(2, email="nils@testvik.no")]}, headers=headers
    )
    assert response.status_code == 409
    assert response.json["error"]["details"][0]["where"] == "people[0].email"


def test_erased_people_are_never_touched(app, client, api_headers):
    hr_units(app)
    with app.app_context():
        erased = create_person("Slettet")
        erased.erased_at = utcnow()
        db.session.commit()
        erased_id = erased.id
    response = client.put(
        "/api/v1/people", json={"people": [record(1)]}, headers=api_headers("people:write")
    )
    assert response.json["created"] == 1
    with app.app_context():
        assert db.session.get(Person, erased_id).external_id is None
    listed = client.get("/api/v1/people?per_page=1000", headers=api_headers("people:read")).json
    assert erased_id not in [p["id"] for p in listed["people"]]


def _people_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Person))


def test_units_sync_creates_a_tree_and_is_idempotent(app, client, api_headers):
    headers = api_headers("units:write", "units:read")
    units = [
        {"external_id": "A1", "name": "Avd 1", "kind": "unit", "parent_external_id": "O1"},
        {"external_id": "K", "name": "Kommunen", "kind": "municipality"},
        {"external_id": "O1", "name": "Omsorg", "kind": "service_area", "parent_external_id": "K"},
    ]
    assert client.put("/api/v1/units", json={"units": units}, headers=headers).json == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    assert client.put("/api/v1/units", json={"units": units}, headers=headers).json == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
    }
    listed = client.get("/api/v1/units", headers=headers).json["units"]
    assert [u["external_id"] for u in listed] == ["K", "O1", "A1"]
    units[1]["parent_external_id"] = "A1"
    response = client.put("/api/v1/units", json={"units": units}, headers=headers)
    assert response.status_code == 400
    assert "people" not in response.json["error"]["details"][0]["where"]
    with app.app_context():
        assert db.session.scalar(sa.select(Unit.parent_id).where(Unit.external_id == "K")) is None


def test_the_people_list_runs_the_same_number_of_queries_for_more_people(
    app, client, api_headers, count_queries
):
    hr_units(app)
    write, read = api_headers("people:write"), api_headers("people:read")
    client.put("/api/v1/people", json={"people": [record(n) for n in range(3)]}, headers=write)
    assert client.get("/api/v1/people", headers=read).status_code == 200  # notes the key's first use
    with count_queries() as few:
        assert len(client.get("/api/v1/people", headers=read).json["people"]) == 3
    client.put("/api/v1/people", json={"people": [record(n) for n in range(60)]}, headers=write)
    with count_queries() as many:
        page = client.get("/api/v1/people?per_page=50&page=2", headers=read).json
    assert [p["external_id"] for p in page["people"]][:2] == ["H00050", "H00051"]
    assert page["page"] == {"page": 2, "per_page": 50, "total": 60}
    assert many.n == few.n


def test_a_first_unit_sync_links_existing_units_by_name_and_a_clashing_name_conflicts(
    app, client, api_headers, org
):
    headers = api_headers("units:write")
    units = [
        {"external_id": "K", "name": "Testvik kommune", "kind": "municipality"},
        {
            "external_id": "HO",
            "name": "helse og omsorg",
            "kind": "service_area",
            "parent_external_id": "K",
        },
    ]
    response = client.put("/api/v1/units", json={"units": units}, headers=headers)
    assert response.json == {"created": 0, "updated": 2, "unchanged": 0}
    with app.app_context():
        area = db.session.get(Unit, org.area.id)
        assert (area.external_id, area.name, area.parent_id) == (
            "HO",
            "helse og omsorg",
            org.municipality.id,
        )
    clash = [
        {"external_id": "NY", "name": "Oppvekst", "kind": "service_area", "parent_external_id": "K"}
    ]
    clash.append({"external_id": "NY2", "name": "Ny", "kind": "unit", "parent_external_id": "NY"})
    response = client.put("/api/v1/units", json={"units": clash}, headers=headers)
    # "Oppvekst" without an external id is linked; a second unit of one name under one parent is not.
    assert response.json == {"created": 1, "updated": 1, "unchanged": 0}
    twin = [{"external_id": "TWIN", "name": "Ny", "kind": "unit", "parent_external_id": "NY"}]
    response = client.put("/api/v1/units", json={"units": twin}, headers=headers)
    assert response.status_code == 409
    assert response.json["error"]["details"][0] == {
        "where": "units[0].name",
        "what": "another unit under the same parent has this name.",
        "external_id": "TWIN",
    }


def test_an_end_date_is_kept_and_shown_and_a_past_one_stores_the_person_inactive(
    app, client, api_headers
):
    hr_units(app)
    headers = api_headers("people:write")
    people = [record(1, ends_on="2099-06-30"), record(3, ends_on="2020-01-31")]
    assert client.put("/api/v1/people", json={"people": people}, headers=headers).status_code == 200
    read = api_headers("people:read")
    later = client.get("/api/v1/people/H00001", headers=read).json
    past = client.get("/api/v1/people/H00003", headers=read).json
    assert (later["ends_on"], later["active"]) == ("2099-06-30", True)
    assert (past["ends_on"], past["active"]) == ("2020-01-31", False)
    again = client.put("/api/v1/people", json={"people": people}, headers=headers)
    assert again.json == {"created": 0, "updated": 0, "unchanged": 2}, "no waking an ended account"


def test_a_bad_phone_number_is_named_and_changes_nothing(app, client, api_headers):
    hr_units(app)
    response = client.put(
        "/api/v1/people",
        json={"people": [record(1, phone="12 34")]},
        headers=api_headers("people:write"),
    )
    assert response.status_code == 400
    [detail] = response.json["error"]["details"]
    assert detail["where"] == "people[0].phone"
    assert "«12 34»" in detail["what"]
    assert _people_count(app) == 0


def test_the_openapi_document_describes_the_end_date(client):
    schema = client.get("/api/v1/openapi.json").json
    person_in = schema["components"]["schemas"]["PersonIn"]["properties"]
    assert "ends_on" in person_in
    assert "first day the person may no longer sign in" in person_in["ends_on"]["description"]
