"""The audit log: what admins and managers change or export, shown to admins with today's names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.audit.services import record
from lms.extensions import db
from lms.organisation.models import Person, Role
from tests.conftest import PASSWORD, add_person


def actions() -> list[tuple]:
    rows = db.session.execute(
        sa.select(
            AuditEntry.action, AuditEntry.actor_id, AuditEntry.subject_type, AuditEntry.subject_id
        ).order_by(AuditEntry.id)
    )
    return [tuple(row) for row in rows]


def test_admin_changes_and_manager_exports_are_logged_with_ids(app, org, make_client):
    admin = make_client()
    admin.sign_in(org.admin)
    admin.submit(
        f"/admin/people/{org.nurse.id}",
        {"name": "Nils Sykepleier", "email": "nils@testvik.no", "job_title": "", "active": "y"},
    )
    admin.submit(f"/admin/people/{org.nurse.id}/roles", {"unit": str(org.zone.id), "role": "staff"})
    manager = make_client()
    manager.sign_in(org.manager)
    assert manager.get(f"/reports/units/{org.ward.id}/matrix.csv").status_code == 200
    with app.app_context():
        logged = actions()
        details = db.session.scalars(sa.select(AuditEntry.details).order_by(AuditEntry.id)).all()
    assert logged == [
        ("person.update", org.admin.id, "person", str(org.nurse.id)),
        ("role.grant", org.admin.id, "person", str(org.nurse.id)),
        ("report.export", org.manager.id, "unit", str(org.ward.id)),
    ]
    assert details[1] == {"unit_id": org.zone.id, "role": "staff"}
    assert details[2] == {"report": "matrix", "format": "csv"}


def _fill(org, count: int, start: datetime) -> None:
    admin = db.session.get(Person, org.admin.id)
    for n in range(count):
        record(admin, "person.update", "person", org.nurse.id, {"n": n}, at=start + timedelta(hours=n))


def test_the_admin_page_shows_names_of_today_and_filters(app, org, client):
    with app.app_context():
        _fill(org, 3, datetime(2026, 3, 1, 12, tzinfo=UTC))
        record(
            db.session.get(Person, org.manager.id),
            "report.export",
            "unit",
            org.ward.id,
            at=datetime(2026, 3, 5, 9, tzinfo=UTC),
        )
        db.session.get(Person, org.nurse.id).name = "Nils Omdøpt"
        db.session.commit()
    client.sign_in(org.admin)
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert page.count("Nils Omdøpt") == 3 and "Mona Leder" in page
    by_action = client.get("/admin/audit/?action=report.export").get_data(as_text=True)
    assert "Rapport eksportert" in by_action and "Nils Omdøpt" not in by_action
    by_person = client.get(f"/admin/audit/?person={org.manager.id}").get_data(as_text=True)
    assert "(1)" in by_person
    by_date = client.get("/admin/audit/?since=2026-03-05&until=2026-03-05").get_data(as_text=True)
    assert "Rapport eksportert" in by_date and "Nils Omdøpt" not in by_date


def test_the_page_runs_the_same_queries_for_few_and_many_entries(app, org, client, count_queries):
    client.sign_in(org.admin)
    with app.app_context():
        _fill(org, 3, datetime(2026, 3, 1, tzinfo=UTC))
        db.session.commit()
    client.get("/admin/audit/")
    with count_queries() as few:
        client.get("/admin/audit/")
    with app.app_context():
        _fill(org, 60, datetime(2026, 4, 1, tzinfo=UTC))
        db.session.commit()
    with count_queries() as many:
        page = client.get("/admin/audit/").get_data(as_text=True)
    assert many.n == few.n
    assert "Side 1 av 2" in page
    assert "Side 2 av 2" in client.get("/admin/audit/?page=2").get_data(as_text=True)


def test_only_admins_of_a_top_unit_see_the_log(app, org, make_client):
    with app.app_context():
        add_person("Åse Områdeadmin", "aase@testvik.no", db.session.merge(org.area), Role.ADMIN)
        db.session.commit()
    for email in ("mona@testvik.no", "aase@testvik.no"):
        client = make_client()
        client.submit("/login", {"email": email, "password": PASSWORD})
        assert client.get("/admin/audit/").status_code == 403


def test_an_unknown_action_is_refused(app):
    with app.app_context(), pytest.raises(ValueError, match=r"person\.sneeze"):
        record(None, "person.sneeze")


def test_a_people_import_an_lrs_key_and_a_framework_export_are_logged(app, org, client):
    from lms.competence.services import load_shipped
    from tests.organisation.test_import import GOOD, upload

    with app.app_context():
        framework_id = load_shipped()[0].id
        db.session.commit()
    client.sign_in(org.admin)
    assert upload(client, GOOD).status_code == 200
    client.submit("/admin/lrs/", {"name": "Rapportverktøy", "scopes": ["statements/read"]})
    assert client.get(f"/admin/competence/{framework_id}.csv").status_code == 200
    with app.app_context():
        logged = [(a, actor) for a, actor, _type, _id in actions()]
        imported = db.session.scalar(
            sa.select(AuditEntry.details).where(AuditEntry.action == "people.import")
        )
        names = db.session.scalars(sa.select(Person.name).where(Person.id.in_(imported["created"])))
    assert logged == [
        ("people.import", org.admin.id),
        ("lrs_key.create", org.admin.id),
        ("framework.export", org.admin.id),
    ]
    assert set(names) and "Rapportverktøy" not in str(imported), "ids only, never names"
