"""``lms lrs`` commands and the admin page /admin/lrs."""

from __future__ import annotations

import re

from lms.cli import main
from lms.extensions import db
from lms.organisation.models import Role
from tests.conftest import add_person
from tests.xapi.lrs.conftest import VERSION, statement
from xapi.lrs import credentials

PAIR = re.compile(r"^([0-9a-f]{24}):([A-Za-z0-9_-]{20,})$", re.MULTILINE)


def run(app, *args):
    return app.test_cli_runner().invoke(main, args=["lrs", *args])


def test_create_key_prints_key_and_secret_on_one_line_and_they_authenticate(app, client):
    result = run(app, "create-key", "Rapportverktøy")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    key, secret = PAIR.match(lines[0]).groups()
    response = client.post("/xapi/statements", json=statement(), headers=VERSION, auth=(key, secret))
    assert response.status_code == 200
    listed = run(app, "keys")
    assert key in listed.output and "Rapportverktøy" in listed.output and "active" in listed.output
    assert "statements/write,statements/read/mine" in listed.output, "xAPI's default scopes"
    assert secret not in listed.output


def test_create_key_takes_scopes(app, client):
    result = run(app, "create-key", "Tilstand", "--scope", "state", "--scope", "statements/read")
    key, secret = PAIR.search(result.stdout).groups()
    assert client.get("/xapi/statements", headers=VERSION, auth=(key, secret)).status_code == 200
    refused = client.post("/xapi/statements", json=statement(), headers=VERSION, auth=(key, secret))
    assert refused.status_code == 403
    assert f"{key}  active" in run(app, "keys").output
    assert "statements/read,state  Tilstand" in run(app, "keys").output
    assert run(app, "create-key", "x", "--scope", "everything").exit_code != 0


def test_revoke_command(app, client):
    key, secret = PAIR.search(run(app, "create-key", "x").stdout).groups()
    assert run(app, "revoke", key).exit_code == 0
    response = client.get("/xapi/statements", headers=VERSION, auth=(key, secret))
    assert response.status_code == 401
    again = run(app, "revoke", key)
    assert again.exit_code == 1 and "no active key" in again.output
    assert "revoked" in run(app, "keys").output


def test_admin_page_creates_a_key_showing_the_secret_once(app, client, org):
    client.sign_in(org.admin)
    page = client.get("/admin/lrs/")
    assert page.status_code == 200
    assert "http://localhost/xapi" in page.get_data(as_text=True)
    checked = re.findall(r'<input checked [^>]*value="([^"]+)"', page.get_data(as_text=True))
    assert checked == ["statements/write", "statements/read/mine"], "xAPI's default scopes"
    made = client.submit(
        "/admin/lrs/", {"name": "Rapportverktøy", "scopes": ["statements/read", "state"]}
    )
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    key = re.search(r'id="new-key">([^<]+)<', html).group(1)
    secret = re.search(r'id="new-secret">([^<]+)<', html).group(1)
    response = client.get("/xapi/statements", headers=VERSION, auth=(key, secret))
    assert response.status_code == 200
    posted = client.post("/xapi/statements", json=statement(), headers=VERSION, auth=(key, secret))
    assert posted.status_code == 403, "statements/write was not chosen"
    listing = client.get("/admin/lrs/").get_data(as_text=True)
    assert key in listing and "Rapportverktøy" in listing
    assert "<td>statements/read, state</td>" in listing
    assert secret not in listing


def test_admin_page_refuses_a_key_without_scopes(client, org):
    client.sign_in(org.admin)
    response = client.submit("/admin/lrs/", {"name": "Rapportverktøy"})
    assert response.status_code == 422
    assert "Velg minst én tilgang." in response.get_data(as_text=True)
    assert 'id="new-secret"' not in response.get_data(as_text=True)


def test_admin_page_refuses_an_empty_name(client, org):
    client.sign_in(org.admin)
    response = client.submit("/admin/lrs/", {"name": "  "})
    assert response.status_code == 422
    assert 'id="new-secret"' not in response.get_data(as_text=True)


def test_admin_revokes_a_key(app, client, org):
    with app.app_context():
        key, secret = credentials.create_key(db.session, "Gammel")
        db.session.commit()
    client.sign_in(org.admin)
    response = client.submit(f"/admin/lrs/{key}/revoke", follow_redirects=True)
    assert response.status_code == 200
    assert "trukket tilbake" in response.get_data(as_text=True)
    assert client.get("/xapi/statements", headers=VERSION, auth=(key, secret)).status_code == 401
    without_token = client.post(f"/admin/lrs/{key}/revoke")
    assert without_token.status_code == 400


def test_only_an_admin_of_a_top_unit_manages_keys(app, client, make_client, org):
    with app.app_context():
        key, _secret = credentials.create_key(db.session, "Gammel")
        ward_admin = add_person("Wenche Admin", "wenche@testvik.no", org.ward, Role.ADMIN)
        db.session.commit()
    client.sign_in(org.manager)
    assert client.get("/admin/lrs/").status_code == 403
    assert client.submit(f"/admin/lrs/{key}/revoke").status_code == 403
    assert client.submit("/admin/lrs/", {"name": "x"}).status_code == 403
    other = make_client()
    other.sign_in(ward_admin)
    assert other.get("/admin/").status_code == 200  # an admin, of a unit below the top
    assert other.get("/admin/lrs/").status_code == 403
    with app.app_context():
        assert credentials.list_keys(db.session)[0].active


def test_the_admin_index_links_to_the_lrs_page(client, org):
    client.sign_in(org.admin)
    page = client.get("/admin/").get_data(as_text=True)
    assert "/admin/lrs/" in page
