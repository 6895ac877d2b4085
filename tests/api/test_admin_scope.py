"""A key with ``people:write`` keeps people in step but makes and unmakes no admins: granting or taking
away the admin role, or changing the e-mail, phone or active flag of someone who holds it, needs the
scope ``roles:admin`` as well, which no key holds unless it is chosen for it."""

from __future__ import annotations

from lms.api import keys
from lms.cli import main
from lms.extensions import db
from lms.organisation.models import Person, Role
from tests.api.test_people_sync import hr_units, record, snapshot


def admin_record(n: int, **changes) -> dict:
    roles = [{"unit_external_id": "U1", "role": "staff"}, {"unit_external_id": "U2", "role": "admin"}]
    return record(n, roles=roles, **changes)


def test_people_write_alone_cannot_grant_admin_and_changes_nothing(app, client, api_headers):
    hr_units(app)
    before = snapshot(app)
    people = [record(1), admin_record(2)]
    response = client.put("/api/v1/people", json={"people": people}, headers=api_headers("people:write"))
    assert response.status_code == 403
    [detail] = response.json["error"]["details"]
    assert detail["where"] == "people[1].roles[1].role"
    assert "roles:admin" in detail["what"]
    assert detail["external_id"] == "H00002"
    assert snapshot(app) == before


def test_with_roles_admin_the_key_grants_admin(app, client, api_headers):
    hr_units(app)
    headers = api_headers("people:write", "roles:admin")
    response = client.put("/api/v1/people", json={"people": [admin_record(2)]}, headers=headers)
    assert response.status_code == 200, response.json
    with app.app_context():
        person = db.session.query(Person).filter_by(external_id="H00002").one()
        assert Role.ADMIN in {r.role for r in person.roles}


def test_an_admin_already_granted_is_kept_without_the_scope(app, client, api_headers):
    """Sending the HR system's picture again is no new grant: the sync keeps working."""
    hr_units(app)
    client.put(
        "/api/v1/people",
        json={"people": [admin_record(2)]},
        headers=api_headers("people:write", "roles:admin"),
    )
    response = client.put(
        "/api/v1/people",
        json={"people": [admin_record(2, name="Person To")]},
        headers=api_headers("people:write"),
    )
    assert response.status_code == 200, response.json


def test_people_write_alone_cannot_change_an_admins_email(app, client, api_headers, org):
    """Else the key's holder could move an admin's sign-in links to a mailbox of their choosing."""
    with app.app_context():
        db.session.merge(org.admin).external_id = "H-ADA"
        db.session.commit()
    people = [{"external_id": "H-ADA", "name": "Ada Admin", "email": "ada@evil.example"}]
    response = client.put("/api/v1/people", json={"people": people}, headers=api_headers("people:write"))
    assert response.status_code == 403
    assert [d["where"] for d in response.json["error"]["details"]] == ["people[0].email"]
    with app.app_context():
        assert db.session.get(Person, org.admin.id).email == "admin@testvik.no"


def test_the_scope_is_offered_unticked_on_the_keys_page_and_by_the_command(app, client, org):
    client.sign_in(org.admin)
    page = client.get("/admin/api/").get_data(as_text=True)
    assert 'value="roles:admin"' in page
    assert 'value="roles:admin" checked' not in page

    args = ["api", "create-key", "HR", "--scope", "people:write", "--scope", "roles:admin"]
    result = app.test_cli_runner().invoke(main, args=args)
    assert result.exit_code == 0, result.output
    with app.app_context():
        [key] = keys.list_keys()
        assert set(key.scopes) == {"people:write", "roles:admin"}


def _hr_admin(app, org) -> None:
    with app.app_context():
        db.session.merge(org.admin).external_id = "H-ADA"
        db.session.commit()


def test_people_write_alone_cannot_lock_out_or_move_an_admins_phone(app, client, api_headers, org):
    """Switching an admin off, or moving their phone (where sign-in codes go), is as much a takeover
    or a lock-out as moving their e-mail; every such field is named and nothing changes."""
    _hr_admin(app, org)
    before = snapshot(app)
    people = [
        {
            "external_id": "H-ADA",
            "name": "Ada Admin",
            "email": "admin@testvik.no",
            "phone": "+4799999999",
            "active": False,
        }
    ]
    response = client.put("/api/v1/people", json={"people": people}, headers=api_headers("people:write"))
    assert response.status_code == 403
    wheres = sorted(d["where"] for d in response.json["error"]["details"])
    assert wheres == ["people[0].active", "people[0].phone"]
    assert snapshot(app) == before


def test_people_write_alone_cannot_take_the_admin_role_away(app, client, api_headers):
    hr_units(app)
    client.put(
        "/api/v1/people",
        json={"people": [admin_record(2)]},
        headers=api_headers("people:write", "roles:admin"),
    )
    before = snapshot(app)
    response = client.put(
        "/api/v1/people", json={"people": [record(2)]}, headers=api_headers("people:write")
    )
    assert response.status_code == 403
    assert [d["where"] for d in response.json["error"]["details"]] == ["people[0].roles"]
    assert snapshot(app) == before

    response = client.put(
        "/api/v1/people",
        json={"people": [record(2)]},
        headers=api_headers("people:write", "roles:admin"),
    )
    assert response.status_code == 200, response.json


def test_people_write_alone_cannot_end_an_admins_account(app, client, api_headers, org):
    """An end date locks the admin out from that day: guarded as their active flag is."""
    _hr_admin(app, org)
    people = [
        {
            "external_id": "H-ADA",
            "name": "Ada Admin",
            "email": "admin@testvik.no",
            "ends_on": "2030-01-01",
        }
    ]
    response = client.put("/api/v1/people", json={"people": people}, headers=api_headers("people:write"))
    assert response.status_code == 403
    assert [d["where"] for d in response.json["error"]["details"]] == ["people[0].ends_on"]
    with app.app_context():
        assert db.session.get(Person, org.admin.id).ends_on is None
