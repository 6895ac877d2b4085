"""The yearly competence plan: it opens with the gaps filled in, takes the manager's needs and
measures, follows a measure through the year, and exports as a Word document."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from docx import Document

from lms.core.time import local_today
from lms.extensions import db
from lms.planning.models import Measure, MeasureStatus, NeedSource, Plan, PlanNeed
from tests.support.frameworks import require_shipped


def this_year(app) -> int:
    with app.app_context():
        return local_today().year


def _plan_url(unit_id: int, tail: str = "") -> str:
    return f"/planning/units/{unit_id}/plan{tail}"


def _needs(app, unit_id: int) -> list[PlanNeed]:
    with app.app_context():
        plan = db.session.scalar(sa.select(Plan).where(Plan.unit_id == unit_id))
        return [(n.source, n.text, n.missing) for n in plan.needs]


def test_the_plan_opens_with_the_gaps_filled_in(app, client, org, gap):
    client.sign_in(org.manager)
    page = client.get(_plan_url(org.ward.id)).get_data(as_text=True)
    assert f"Kompetanseplan {this_year(app)}" in page
    assert 'data-need="Testkompetanse"' in page
    # The manager and the nurse of the ward both miss the requirement.
    assert _needs(app, org.ward.id) == [(NeedSource.GAP, "Testkompetanse", 2)]


def test_opening_the_plan_again_does_not_make_a_second(app, client, org, gap):
    client.sign_in(org.manager)
    client.get(_plan_url(org.ward.id))
    client.get(_plan_url(org.ward.id))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 1


def _add_measure(client, org, year: int, title: str):
    """A course measure on the ward's plan, owned by the nurse, due 1 October."""
    return client.submit(
        _plan_url(org.ward.id, "/measures"),
        data={
            "year": year,
            "title": title,
            "kind": "course",
            "owner": org.nurse.id,
            "due_on": f"{year}-10-01",
        },
    )


def test_a_measure_gets_an_owner_a_date_and_moves_to_done(app, client, org, gap):
    client.sign_in(org.manager)
    year = this_year(app)
    added = _add_measure(client, org, year, "Kurs i legemiddelhåndtering")
    assert added.status_code == 302
    with app.app_context():
        measure = db.session.scalar(sa.select(Measure))
        assert (measure.owner_id, measure.due_on) == (org.nurse.id, date(year, 10, 1))
        measure_id = measure.id
    done = client.submit(
        _plan_url(org.ward.id, "/measures/status"),
        data={"year": year, "measure": measure_id, "status": "done"},
        follow_redirects=True,
    )
    assert "«Kurs i legemiddelhåndtering» er nå Fullført." in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Measure, measure_id).status is MeasureStatus.DONE


def test_an_owner_from_outside_the_unit_is_refused(app, client, org, gap):
    client.sign_in(org.manager)
    refused = client.submit(
        _plan_url(org.ward.id, "/measures"),
        data={"title": "Tiltak", "kind": "module", "owner": org.outsider.id, "due_on": "2026-10-01"},
    )
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Measure)) == 0


def test_a_measure_of_another_units_plan_cannot_be_moved_from_this_one(app, client, org, gap):
    client.sign_in(org.admin)
    client.submit(
        _plan_url(org.zone.id, "/measures"),
        data={
            "title": "Sonens tiltak",
            "kind": "module",
            "owner": org.assistant.id,
            "due_on": "2026-10-01",
        },
    )
    with app.app_context():
        measure_id = db.session.scalar(sa.select(Measure.id))
    moved = client.submit(
        _plan_url(org.ward.id, "/measures/status"), data={"measure": measure_id, "status": "done"}
    )
    assert moved.status_code == 404


def test_a_status_change_without_a_known_status_says_so_and_changes_nothing(app, client, org):
    client.sign_in(org.manager)
    year = this_year(app)
    assert _add_measure(client, org, year, "Tiltak").status_code == 302
    with app.app_context():
        measure_id = db.session.scalar(sa.select(Measure.id))
    for status in ("", "<script>alert(1)</script>", "999999"):
        refused = client.submit(
            _plan_url(org.ward.id, "/measures/status"),
            data={"year": year, "measure": measure_id, "status": status},
        )
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert "Statusen ble ikke endret: velg en av statusene i lista og prøv igjen." in page
        assert "<script>alert(1)" not in page
    with app.app_context():
        assert db.session.get(Measure, measure_id).status is MeasureStatus.PLANNED


def test_own_needs_and_the_evaluation_are_kept_as_plain_text(app, client, org):
    client.sign_in(org.manager)
    client.submit(
        _plan_url(org.ward.id, "/needs"),
        data={"text": "<script>alert(1)</script>Flere må kunne <b>velferdsteknologi</b>"},
    )
    client.submit(_plan_url(org.ward.id, "/evaluation"), data={"evaluation": "<i>Godt år</i>"})
    with app.app_context():
        plan = db.session.scalar(sa.select(Plan))
        assert [n.text for n in plan.needs] == ["alert(1)Flere må kunne velferdsteknologi"]
        assert plan.evaluation == "Godt år"
    page = client.get(_plan_url(org.ward.id)).get_data(as_text=True)
    assert "<script>alert(1)" not in page


def test_refreshing_keeps_own_needs_and_follows_the_gaps(app, client, org, gap):
    client.sign_in(org.manager)
    client.get(_plan_url(org.ward.id))
    client.submit(_plan_url(org.ward.id, "/needs"), data={"text": "Bedre overlapp"})
    client.submit(_plan_url(org.ward.id, "/needs/refresh"))
    assert sorted(_needs(app, org.ward.id)) == sorted(
        [(NeedSource.GAP, "Testkompetanse", 2), (NeedSource.OWN, "Bedre overlapp", 0)]
    )


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_export_is_a_word_document_with_the_needs_and_measures(app, client, org, gap):
    client.sign_in(org.manager)
    year = this_year(app)
    client.submit(
        _plan_url(org.ward.id, "/measures"),
        data={
            "title": "Modul om smittevern",
            "kind": "module",
            "owner": org.nurse.id,
            "due_on": f"{year}-05-01",
        },
    )
    response = client.get(_plan_url(org.ward.id, f".docx?year={year}"))
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="kompetanseplan-sjoglott-sykehjem-2-etasje-{year}.docx"'
    text = _docx_text(response.data)
    assert f"Kompetanseplan {year}: Sjøgløtt sykehjem, 2. etasje" in text
    assert "Testkompetanse" in text
    assert "Modul om smittevern" in text
    assert "Nils Sykepleier" in text


def test_the_area_plan_gathers_the_plans_of_its_units(app, client, org, gap):
    client.sign_in(org.admin)
    year = this_year(app)
    client.submit(
        _plan_url(org.ward.id, "/measures"),
        data={
            "title": "Avdelingens tiltak",
            "kind": "workshop",
            "owner": org.nurse.id,
            "due_on": f"{year}-06-01",
        },
    )
    page = client.get(_plan_url(org.area.id)).get_data(as_text=True)
    assert "Enhetenes planer" in page and "Avdelingens tiltak" in page
    # Every unit of the area is listed, the one without a plan too.
    assert f'href="/planning/units/{org.zone.id}/plan?year={year}">Hjemmesykepleien sone Nord' in page
    # The area's gaps count the ward's people too.
    assert (NeedSource.GAP, "Testkompetanse", 2) in _needs(app, org.area.id)
    assert "Avdelingens tiltak" in _docx_text(client.get(_plan_url(org.area.id, ".docx")).data)


def test_plan_changes_and_exports_are_audited(app, client, org):
    from lms.audit.models import AuditEntry

    client.sign_in(org.manager)
    client.get(_plan_url(org.ward.id))
    client.get(_plan_url(org.ward.id, ".docx"))
    with app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"plan.change", "report.export"} <= actions


def test_the_menu_leads_a_manager_to_the_plan_and_not_staff(client, make_client, org):
    client.sign_in(org.manager)
    assert 'href="/planning/">Kompetanseplan</a>' in client.get("/").get_data(as_text=True)
    staff = make_client()
    staff.sign_in(org.nurse)
    assert 'href="/planning/"' not in staff.get("/").get_data(as_text=True)
    assert staff.get("/planning/").status_code == 403


def test_a_nynorsk_manager_reads_the_gaps_in_nynorsk_on_the_plan_and_in_its_export(app, client, org):
    with app.app_context():
        require_shipped("PSK-1", org.ward.id)
    client.sign_in(org.manager)
    client.submit("/language", {"language": "nn", "next": "/"})

    page = client.get(_plan_url(org.ward.id)).get_data(as_text=True)
    text = _docx_text(client.get(_plan_url(org.ward.id, f".docx?year={this_year(app)}")).data)

    assert '<th scope="row">Legemiddelhandtering</th>' in page
    assert "Legemiddelhandtering" in text and "Legemiddelhåndtering" not in text
    assert _needs(app, org.ward.id) == [(NeedSource.GAP, "Legemiddelhåndtering", 2)]
