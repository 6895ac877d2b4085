"""API keys: made by an admin (page or command), shown once, checked on every request, scoped."""

from __future__ import annotations

import hashlib
import html
import re

from lms.api import keys
from lms.cli import main
from lms.extensions import db
from lms.organisation.models import Role
from tests.conftest import add_person

KEY = re.compile(r"^lv_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}$")


def run(app, *args):
    return app.test_cli_runner().invoke(main, args=["api", *args])


def test_without_a_key_or_with_a_bad_one_the_answer_is_401_json(client, api_headers):
    good = api_headers("people:read")["Authorization"]
    for headers in (
        {},
        {"Authorization": "Bearer lv_00000000_nope"},
        {"Authorization": good[:-2] + "xx"},
        {"Authorization": good.replace("Bearer", "Basic")},
    ):
        response = client.get("/api/v1/people", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/json"
        assert response.json["error"]["status"] == 401
        assert "Bearer" in response.json["error"]["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/people", headers={"Authorization": good}).status_code == 200


def test_a_key_without_the_scope_gets_403_json(client, api_headers):
    headers = api_headers("people:read")
    response = client.put("/api/v1/people", json={"people": []}, headers=headers)
    assert response.status_code == 403
    assert "people:write" in response.json["error"]["message"]
    assert client.get("/api/v1/units", headers=headers).status_code == 403


def test_the_command_makes_a_key_that_works_and_revoking_it_stops_it(app, client):
    result = run(app, "create-key", "HR-systemet", "--scope", "people:read", "--scope", "units:read")
    assert result.exit_code == 0, result.output
    text = result.stdout.strip()
    assert KEY.match(text)
    headers = {"Authorization": f"Bearer {text}"}
    assert client.get("/api/v1/units", headers=headers).status_code == 200
    listed = run(app, "keys").output
    assert "HR-systemet" in listed and "people:read,units:read" in listed and text not in listed
    key_id = listed.split()[0]
    assert run(app, "revoke", key_id).exit_code == 0
    response = client.get("/api/v1/units", headers=headers)
    assert response.status_code == 401 and response.json["error"]["message"]
    assert run(app, "create-key", "x", "--scope", "everything").exit_code != 0


def test_the_admin_page_makes_a_key_shown_once_and_revokes_it_with_csrf(app, client, org):
    client.sign_in(org.admin)
    assert "API-nøkler" in client.get("/admin/").get_data(as_text=True)
    assert client.post("/admin/api/", data={"name": "HR", "scopes": ["people:write"]}).status_code == 400
    made = client.submit(
        "/admin/api/", {"name": "HR-systemet", "scopes": ["people:write", "units:write"]}
    )
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    text = html.unescape(re.search(r'id="new-api-key">([^<]+)<', made.get_data(as_text=True)).group(1))
    headers = {"Authorization": f"Bearer {text}"}
    assert client.put("/api/v1/units", json={"units": []}, headers=headers).status_code == 200
    listing = client.get("/admin/api/").get_data(as_text=True)
    assert "HR-systemet" in listing and text not in listing
    with app.app_context():
        key = keys.list_keys()[0]
        assert key.created_by_id == org.admin.id and key.last_used_at is not None
        key_id = key.id
    assert client.post(f"/admin/api/{key_id}/revoke").status_code == 400
    revoked = client.submit(f"/admin/api/{key_id}/revoke", follow_redirects=True)
    assert "trukket tilbake" in revoked.get_data(as_text=True)
    assert client.put("/api/v1/units", json={"units": []}, headers=headers).status_code == 401


def test_the_admin_page_needs_a_name_and_a_scope(client, org):
    client.sign_in(org.admin)
    response = client.submit("/admin/api/", {"name": "HR"})
    assert response.status_code == 422
    assert 'id="new-api-key"' not in response.get_data(as_text=True)


def test_only_an_admin_of_a_top_unit_manages_api_keys(app, client, make_client, org):
    with app.app_context():
        ward_admin = add_person("Wenche Admin", "wenche@testvik.no", org.ward, Role.ADMIN)
        db.session.commit()
    client.sign_in(org.manager)
    assert client.get("/admin/api/").status_code == 403
    other = make_client()
    other.sign_in(ward_admin)
    assert other.get("/admin/api/").status_code == 403
    assert other.submit("/admin/api/", {"name": "x", "scopes": ["units:read"]}).status_code == 403


def test_a_key_kept_as_a_bare_digest_before_still_works_and_is_rehashed(app, client):
    """API keys made before the hash named its scheme kept the bare SHA-256 hex digest."""
    result = run(app, "create-key", "Gammel HR-nøkkel", "--scope", "units:read")
    text = result.stdout.strip()
    secret = text.split("_", 2)[2]
    with app.app_context():
        [key] = [k for k in keys.list_keys() if k.name == "Gammel HR-nøkkel"]
        key.secret_hash = hashlib.sha256(secret.encode()).hexdigest()
        db.session.commit()
    headers = {"Authorization": f"Bearer {text}"}
    assert client.get("/api/v1/units", headers=headers).status_code == 200
    with app.app_context():
        [key] = [k for k in keys.list_keys() if k.name == "Gammel HR-nøkkel"]
        assert key.secret_hash == "sha256$" + hashlib.sha256(secret.encode()).hexdigest()
    assert client.get("/api/v1/units", headers=headers).status_code == 200
