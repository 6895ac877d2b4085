"""What reaches every unit (the module library, frameworks, the LRS and API keys, the outbox, the
audit log) is managed by an admin of the top unit only; an admin of one unit is refused and is not
offered the way in."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from lms.content.models import ModuleVersion, VersionStatus
from lms.content.services import install
from lms.extensions import db
from lms.organisation.models import Person, Role
from tests.conftest import FIXTURE_MODULE, add_person
from tests.content.packages import zip_folder
from xapi import outbox
from xapi.db import utcnow


@pytest.fixture
def unit_admin(app, org) -> Person:
    with app.app_context():
        person = add_person(
            "Vera Avdelingsadmin", "vera@testvik.no", db.session.merge(org.ward), Role.ADMIN
        )
        db.session.commit()
    return person


@pytest.fixture
def draft(app) -> int:
    with app.app_context():
        version, _ = install(FIXTURE_MODULE, "test", publish=False)
        db.session.commit()
        return version.id


def test_a_unit_admin_cannot_upload_a_module(app, client, unit_admin):
    client.sign_in(unit_admin)
    response = client.submit(
        "/admin/modules/upload",
        {"file": (io.BytesIO(zip_folder(FIXTURE_MODULE)), "pakke.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleVersion)) == 0


def test_a_unit_admin_cannot_publish_a_module_version(app, client, unit_admin, draft):
    client.sign_in(unit_admin)
    assert client.submit(f"/admin/modules/versions/{draft}/publish").status_code == 403
    with app.app_context():
        assert db.session.get(ModuleVersion, draft).status is VersionStatus.DRAFT


def test_the_top_admin_uploads_and_publishes(app, client, org, draft):
    client.sign_in(org.admin)
    assert client.submit(f"/admin/modules/versions/{draft}/publish").status_code == 302
    with app.app_context():
        assert db.session.get(ModuleVersion, draft).status is VersionStatus.PUBLISHED


def test_a_unit_admin_cannot_retry_dead_statements_or_resume_delivery(app, client, unit_admin):
    with app.app_context():
        db.session.execute(
            outbox.outbox.insert().values(
                statement_id="0b5a0d6e-7c1e-4f5e-9a55-9f4a2d0c1b11",
                statement="{}",
                status=outbox.DEAD,
                created_at=utcnow(),
                due_at=utcnow(),
                last_error="400: verb.id must be an IRI",
            )
        )
        db.session.commit()
    client.sign_in(unit_admin)
    assert client.submit("/admin/xapi/retry-dead").status_code == 403
    assert client.submit("/admin/xapi/resume").status_code == 403
    assert client.get("/admin/xapi/").status_code == 403
    with app.app_context():
        assert outbox.status(db.session).dead == 1


@pytest.mark.parametrize(
    "url",
    [
        "/admin/modules/",
        "/admin/competence",
        "/admin/lrs/",
        "/admin/api/",
        "/admin/audit/",
        "/admin/xapi/",
    ],
)
def test_a_unit_admin_gets_403_on_every_municipality_wide_page(client, unit_admin, url):
    client.sign_in(unit_admin)
    assert client.get(url).status_code == 403


def test_a_unit_admin_cannot_import_a_framework(client, unit_admin):
    client.sign_in(unit_admin)
    data = {"file": (io.BytesIO(b"idnumber,shortname\n"), "rammeverk.csv")}
    assert client.submit("/admin/competence", data).status_code == 403


def test_the_admin_index_offers_a_unit_admin_only_what_they_may_open(
    client, make_client, org, unit_admin
):
    client.sign_in(unit_admin)
    page = client.get("/admin/").get_data(as_text=True)
    for url in ("/admin/modules/", "/admin/audit/", "/admin/lrs/", "/admin/api/"):
        assert f'href="{url}"' not in page
    assert 'href="/admin/people"' in page
    assert "styres av en administrator for kommunen" in page

    top_admin = make_client()
    top_admin.sign_in(org.admin)
    page = top_admin.get("/admin/").get_data(as_text=True)
    for url in ("/admin/modules/", "/admin/audit/", "/admin/lrs/", "/admin/api/"):
        assert f'href="{url}"' in page
    assert "styres av en administrator for kommunen" not in page
