"""What the API changes, and the keys admins make, are in the audit log; a sync that changes
nothing is not."""

from __future__ import annotations

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.api.test_people_sync import hr_units, record


def entries(app) -> list[tuple[str, str, dict]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.details).order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]


def test_a_sync_that_changes_people_is_logged_once_and_names_the_key(app, client, api_headers):
    hr_units(app)
    headers = api_headers("people:write")
    payload = {"people": [record(n) for n in range(3)]}
    assert client.put("/api/v1/people", json=payload, headers=headers).status_code == 200
    assert client.put("/api/v1/people", json=payload, headers=headers).status_code == 200
    [(action, actor, details)] = entries(app)
    assert action == "api.people_sync" and actor is None
    assert details["created"] == 3 and details["updated"] == 0
    assert details["api_key"].endswith(" Test")


def test_the_audit_page_shows_api_changes_and_key_management(app, client, org, api_headers):
    headers = api_headers("units:write")
    units = {"units": [{"external_id": "K9", "name": "Nyvik kommune", "kind": "municipality"}]}
    assert client.put("/api/v1/units", json=units, headers=headers).status_code == 200
    client.sign_in(org.admin)
    page = client.get("/admin/api/").get_data(as_text=True)
    assert "csrf_token" in page
    created = client.submit("/admin/api/", {"name": "Lønn og HR", "scopes": ["people:write"]})
    assert created.status_code == 200
    audit = client.get("/admin/audit/").get_data(as_text=True)
    assert "Enheter synkronisert via API" in audit and "API-nøkkel opprettet" in audit
    assert [action for action, _actor, _details in entries(app)] == ["api.units_sync", "api_key.create"]
