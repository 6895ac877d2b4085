"""The overview above the unit: each line is its unit's matrix and the totals the whole unit's
matrix (a person in two lines counts in both, and once in the totals), each cell counted once as
met, expiring within 90 days, expired or missing; the trend keeps a month's figures, counted as
the totals are; the exports hold the page's figures; and who may open it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from lms.competence import cells
from lms.competence import services as competence
from lms.competence.models import EvidenceKind, Requirement, State
from lms.competence.requirements import remove_requirement, update_requirement
from lms.content.localised import pick
from lms.core.time import local_today
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit, UnitKind
from lms.organisation.services import (
    create_unit,
    current_staff,
    grant_role,
    revoke_role,
    unit_ids_below,
    update_unit,
)
from lms.organisation.sync import PersonRecord, sync_people
from lms.privacy.services import erase
from lms.reports import services as reports
from lms.reports.models import MonthFigures
from lms.reports.overview import Bucket, Figures, bucket_of, overview, record_month
from tests.conftest import add_person


def _codes(*codes):
    return [competence.competences_by_code(codes)[c] for c in codes]


@pytest.fixture
def spread(app, org):
    """The area requires DHK-5 (12 months) of everyone below it, the ward also GRN-1 (recommended),
    the municipality DHK-1 of everyone; evidence of every age, in both units of the area."""
    now = utcnow()
    with app.app_context():
        competence.load_shipped()
        area, ward, municipality = (
            db.session.get(Unit, i) for i in (org.area.id, org.ward.id, org.municipality.id)
        )
        security, green, first_aid = _codes("DHK-5", "GRN-1", "DHK-1")
        competence.add_requirement(security, area, 2, validity_months=12, renewal_days=60)
        competence.add_requirement(green, ward, 1, mandatory=False, validity_months=None)
        competence.add_requirement(first_aid, municipality, 1, validity_months=24)
        zone = db.session.get(Unit, org.zone.id)
        for i, days in enumerate((10, 300, 500)):
            person = add_person(f"Sone {i}", f"sone{i}@testvik.no", zone, Role.STAFF)
            competence.record_evidence(
                person, security, 2, EvidenceKind.SIGN_OFF, achieved_at=now - timedelta(days=days)
            )
        nurse = db.session.get(Person, org.nurse.id)
        competence.record_evidence(nurse, security, 2, EvidenceKind.SIGN_OFF, achieved_at=now)
        competence.record_evidence(nurse, green, 1, EvidenceKind.MODULE, achieved_at=now)
        competence.record_evidence(
            nurse, first_aid, 1, EvidenceKind.MODULE, achieved_at=now - timedelta(days=700)
        )
        db.session.commit()


def _matrix_figures(unit_id: int, now) -> tuple[Figures, dict[int, Figures]]:
    """A unit's matrix, counted by hand: each cell in its bucket."""
    total, by_competence = Figures(), {}
    for row in reports.matrix(unit_ids_below([unit_id])).rows:
        for competence_id, cell in row.cells.items():
            total.add(bucket_of(cell, now))
            by_competence.setdefault(competence_id, Figures()).add(bucket_of(cell, now))
    return total, by_competence


def test_the_lines_are_their_units_matrices_and_the_totals_the_whole_areas(app, org, spread):
    now = utcnow()
    with app.app_context():
        found = overview(db.session.get(Unit, org.area.id), now)
        assert [line.unit.name for line in found.lines] == [org.zone.name, org.ward.name]
        summed = Figures()
        for line in found.lines:
            figures, by_competence = _matrix_figures(line.unit.id, now)
            assert line.figures == figures, line.unit.name
            assert line.by_competence == by_competence, line.unit.name
            summed += figures
        assert (found.total, found.by_competence) == _matrix_figures(org.area.id, now)
        assert found.total == summed and not found.lines_overlap  # nobody in both units
        assert found.total.total == sum(f.total for f in found.by_competence.values())
        zone = found.lines[0]
        security = _codes("DHK-5")[0]
        # 10, 300 (valid 65 days more) and 500 days ago; Aisha and Frida have none
        assert zone.by_competence[security.id].counts == [1, 1, 1, 2]
        assert zone.figures.share_met == 20  # 2 of 10: everyone also misses DHK-1


def test_the_municipality_sees_its_areas_and_those_on_the_municipality_itself(app, org, spread):
    now = utcnow()
    with app.app_context():
        found = overview(db.session.get(Unit, org.municipality.id), now)
        names = [(line.unit.name, line.direct) for line in found.lines]
        assert names == [
            (org.area.name, False),
            (org.other_area.name, False),
            (org.municipality.name, True),
        ]
        for line in found.lines[:2]:
            assert line.figures == _matrix_figures(line.unit.id, now)[0]
        admin_only = found.lines[2].figures
        assert admin_only.total == 1 and admin_only[Bucket.MISSING] == 1


def test_the_overview_runs_the_same_queries_for_few_and_many_people(app, org, spread, count_queries):
    counts = []
    for extra in (0, 20):
        with app.app_context():
            zone = db.session.get(Unit, org.zone.id)
            for i in range(extra):
                add_person(f"Mange {i}", f"mange{i}@testvik.no", zone, Role.STAFF)
            db.session.commit()
        with count_queries() as counted, app.app_context():
            overview(db.session.get(Unit, org.municipality.id))
        counts.append(counted.n)
    assert counts[0] == counts[1]


def test_the_trend_shows_the_months_the_nightly_job_counted(app, org, spread, client):
    now = utcnow()
    with app.app_context():
        assert record_month(now - timedelta(days=40)) > 0
        db.session.commit()
        found = overview(db.session.get(Unit, org.area.id), now)
        counted = [m for m in found.trend if m.figures is not None]
        assert len(found.trend) == 12 and len(counted) == 2
        assert counted[-1].figures == found.total
        stored = db.session.query(MonthFigures).filter_by(unit_id=org.area.id).all()
        assert sum(r.met + r.expiring + r.expired + r.missing for r in stored) == found.total.total
    client.sign_in(org.admin)
    page = client.get(f"/reports/units/{org.area.id}/overview").get_data(as_text=True)
    assert page.count("Ikke telt") == 10
    assert 'aria-labelledby="trend-title trend-desc"' in page


def test_the_exports_hold_the_figures_of_the_page(app, org, spread, client):
    client.sign_in(org.admin)
    csv_text = client.get(f"/reports/units/{org.area.id}/overview.csv").data.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0] == (
        "Enhet;Kompetanse;Oppfylt;Utløper innen 90 dager;Utløpt;Mangler;Krav i alt;Andel oppfylt (%)"
    )
    assert f"{org.zone.name};DHK-5 Personvern og informasjonssikkerhet;1;1;1;2;5;40" in lines
    with app.app_context():
        total = overview(db.session.get(Unit, org.area.id)).total
    assert lines[-1] == "Alle enheter;Alle kompetanser;" + ";".join(
        str(n) for n in [*total.counts, total.total, total.share_met]
    )
    book = load_workbook(io.BytesIO(client.get(f"/reports/units/{org.area.id}/overview.xlsx").data))
    rows = list(book["Per enhet"].iter_rows(values_only=True))
    assert rows[-1][:2] == ("Alle enheter", "Alle kompetanser") and rows[-1][6] == total.total
    months = list(book["Per måned"].iter_rows(values_only=True))
    with app.app_context():
        assert months[-1][0] == local_today().isoformat()[:7]


def test_the_page_drills_down_from_units_to_competences_to_people(app, org, spread, client):
    client.sign_in(org.admin)
    page = client.get(f"/reports/units/{org.area.id}/overview").get_data(as_text=True)
    assert f'href="/reports/units/{org.ward.id}/overview"' in page
    security = _codes_in(app, "DHK-5")
    assert f"/reports/units/{org.area.id}/matrix?competence={security}" in page
    people = client.get(f"/reports/units/{org.area.id}/matrix?competence={security}")
    assert "Sone 2" in people.get_data(as_text=True)


@pytest.fixture
def in_two(app, org, spread):
    """Nils also works in the zone (two units of the area), and Ada, on the municipality itself,
    also in the ward."""
    with app.app_context():
        grant_role(_get(Person, org.nurse.id), _get(Unit, org.zone.id), Role.STAFF)
        grant_role(_get(Person, org.admin.id), _get(Unit, org.ward.id), Role.STAFF)
        db.session.commit()


def _month_figures(unit_id: int, now) -> tuple[Figures, dict[int, Figures]]:
    """What the nightly job wrote for the unit this month: in all, and per competence."""
    total, by_competence = Figures(), {}
    for row in db.session.scalars(
        sa.select(MonthFigures).filter_by(unit_id=unit_id, month=now.date().replace(day=1))
    ):
        figures = Figures([row.met, row.expiring, row.expired, row.missing])
        by_competence[row.competence_id] = figures
        total += figures
    return total, by_competence


def test_someone_in_two_units_counts_in_both_lines_and_once_in_the_totals(app, org, in_two):
    now = utcnow()
    with app.app_context():
        nils = len(reports.matrix(unit_ids_below([org.ward.id]), search="Nils").rows[0].cells)
        ada = len(reports.matrix(unit_ids_below([org.ward.id]), search="Ada").rows[0].cells)
        for top, twice in ((org.area.id, nils), (org.municipality.id, ada)):
            found = overview(_get(Unit, top), now)
            for line in found.lines:
                scope = {line.unit.id} if line.direct else unit_ids_below([line.unit.id])
                assert line.figures == _matrix_total(scope, now), line.unit.name
            assert (found.total, found.by_competence) == _matrix_figures(top, now)
            assert sum(line.figures.total for line in found.lines) == found.total.total + twice
            assert found.lines_overlap
        record_month(now)
        for top in (org.area.id, org.municipality.id):
            found = overview(_get(Unit, top), now)
            assert _month_figures(top, now) == (found.total, found.by_competence)
            assert found.trend[-1].figures == found.total


def test_the_page_and_exports_say_the_same_of_someone_in_two_units(app, org, in_two, client):
    with app.app_context():
        found = overview(_get(Unit, org.area.id))
        titles = {c.id: f"{c.code} {pick(c.titles, 'nb')}" for c in found.competences}
    client.sign_in(org.admin)
    page = client.get(f"/reports/units/{org.area.id}/overview").get_data(as_text=True)
    assert 'id="units-note"' in page and 'aria-describedby="units-note"' in page
    footer = page.split('id="units-table"', 1)[1].split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert f"<td>{found.total.total}</td>" in footer
    csv_text = client.get(f"/reports/units/{org.area.id}/overview.csv").data.decode("utf-8-sig")
    totals = [line.split(";") for line in csv_text.splitlines() if line.startswith("Alle enheter;")]
    expected = [(titles[c.id], found.by_competence[c.id]) for c in found.competences]
    expected.append(("Alle kompetanser", found.total))
    assert totals == [
        ["Alle enheter", title, *(str(n) for n in [*f.counts, f.total, f.share_met])]
        for title, f in expected
    ]
    book = load_workbook(io.BytesIO(client.get(f"/reports/units/{org.area.id}/overview.xlsx").data))
    rows = [r for r in book["Per enhet"].iter_rows(values_only=True) if r[0] == "Alle enheter"]
    assert [r[2:] for r in rows] == [(*f.counts, f.total, f.share_met) for _t, f in expected]
    months = list(book["Per måned"].iter_rows(values_only=True))
    assert months[-1][1:] == (*found.total.counts, found.total.total, found.total.share_met)


def _codes_in(app, code: str) -> int:
    with app.app_context():
        return _codes(code)[0].id


@pytest.fixture
def leaders(app, org):
    """A leader of the area, and the admin of another municipality."""
    with app.app_context():
        area = db.session.get(Unit, org.area.id)
        elsewhere = create_unit("Annenvik kommune", UnitKind.MUNICIPALITY)
        made = (
            add_person("Arne Områdeleder", "arne@testvik.no", area, Role.MANAGER),
            add_person("Anne Annenvik", "anne@annenvik.no", elsewhere, Role.ADMIN),
        )
        db.session.commit()
        return made


@pytest.mark.parametrize(
    ("who", "unit", "status"),
    [
        ("manager", "ward", 200),
        ("manager", "area", 403),
        ("manager", "zone", 403),
        ("area_leader", "area", 200),
        ("area_leader", "ward", 200),
        ("area_leader", "municipality", 403),
        ("area_leader", "other_area", 403),
        ("admin", "municipality", 200),
        ("admin", "other_area", 200),
        ("nurse", "ward", 403),
        ("facilitator", "zone", 403),
        ("elsewhere", "municipality", 403),
        ("elsewhere", "area", 403),
    ],
)
def test_who_sees_which_overview(app, org, spread, leaders, make_client, who, unit, status):
    area_leader, elsewhere = leaders
    actor = {"area_leader": area_leader, "elsewhere": elsewhere}.get(who) or getattr(org, who)
    client = make_client()
    client.sign_in(actor)
    unit_id = getattr(org, unit).id
    for suffix in ("", ".csv", ".xlsx"):
        assert client.get(f"/reports/units/{unit_id}/overview{suffix}").status_code == status


def test_a_manager_of_one_unit_sees_that_unit_alone(app, org, spread, client):
    client.sign_in(org.manager)
    page = client.get(f"/reports/units/{org.ward.id}/overview").get_data(as_text=True)
    table = page.split('id="units-table"', 1)[1].split("</table>", 1)[0]
    assert org.ward.name in table
    assert org.zone.name not in table and org.other_unit.name not in table


# The kept cells follow every change ---------------------------------------------------------------


def _live_figures(unit_ids: set[int], now) -> Figures:
    """The current staff of these units counted afresh from roles, units, job titles,
    requirements and status (``cells.cell_query``), not from the kept cells."""
    staff = sa.select(Person.id).where(Person.id.in_(reports.members(unit_ids)), *current_staff())
    figures = Figures()
    for _pid, _cid, severity, level, required, since, until in db.session.execute(
        cells.cell_query(staff)
    ):
        cell = reports.Cell(State(severity % 4), severity >= 4, level, required, since, until)
        figures.add(bucket_of(cell, now))
    return figures


def _matrix_total(unit_ids: set[int], now) -> Figures:
    figures = Figures()
    for row in reports.matrix(unit_ids).rows:
        for cell in row.cells.values():
            figures.add(bucket_of(cell, now))
    return figures


def _get(model, id_):
    return db.session.get(model, id_)


def _role(person_id: int, unit_id: int) -> RoleAssignment:
    return db.session.scalar(sa.select(RoleAssignment).filter_by(person_id=person_id, unit_id=unit_id))


def _requirement_on(unit_id: int) -> Requirement:
    return db.session.scalar(sa.select(Requirement).filter_by(unit_id=unit_id))


def _hr_sync(org) -> None:
    """Aisha moves from the zone to the ward, and a newcomer joins the zone, by the HR sync's bulk
    statements."""
    for unit, key in ((org.zone, "Z"), (org.ward, "W")):
        _get(Unit, unit.id).external_id = key
    _get(Person, org.assistant.id).external_id = "aisha"
    result = sync_people(
        [
            PersonRecord("aisha", "Aisha Assistent", roles=(("W", Role.STAFF),)),
            PersonRecord("ny", "Ny Nyansatt", email="ny@testvik.no", roles=(("Z", Role.STAFF),)),
        ]
    )
    assert result.roles_granted == 2 and result.roles_removed == 1


CHANGES = {
    "a role granted": lambda org: grant_role(
        _get(Person, org.outsider.id), _get(Unit, org.zone.id), Role.STAFF
    ),
    "a role removed": lambda org: revoke_role(_role(org.nurse.id, org.ward.id)),
    "a requirement added": lambda org: competence.add_requirement(
        _codes("GRN-1")[0], _get(Unit, org.zone.id), 1
    ),
    "a requirement changed": lambda org: update_requirement(
        _requirement_on(org.area.id),
        min_level=1,
        mandatory=False,
        validity_months=12,
        renewal_days=60,
    ),
    "a requirement removed": lambda org: remove_requirement(_requirement_on(org.ward.id)),
    "evidence recorded": lambda org: competence.record_evidence(
        org.assistant.id, _codes("DHK-1")[0], 1, EvidenceKind.SIGN_OFF
    ),
    "a person deactivated": lambda org: setattr(_get(Person, org.assistant.id), "active", False),
    "a person erased": lambda org: erase(_get(Person, org.nurse.id), None),
    "a job title changed": lambda org: (
        competence.add_requirement(
            _codes("GRN-1")[0], _get(Unit, org.zone.id), 1, job_title="assistent"
        ),
        setattr(_get(Person, org.assistant.id), "job_title", "sykepleier"),
    ),
    "a unit moved": lambda org: update_unit(
        _get(Unit, org.zone.id), name=org.zone.name, parent=_get(Unit, org.other_area.id)
    ),
    "roles changed by the HR sync": _hr_sync,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_overview_stays_its_units_matrices_after_a_change(app, org, spread, change):
    now = utcnow()
    with app.app_context():
        CHANGES[change](org)
        db.session.commit()
        assert cells.differences() == 0
        for top in (org.area.id, org.municipality.id):
            found = overview(_get(Unit, top), now)
            summed = Figures()
            for line in found.lines:
                scope = {line.unit.id} if line.direct else unit_ids_below([line.unit.id])
                assert line.figures == _matrix_total(scope, now), line.unit.name
                assert line.figures == _live_figures(scope, now), line.unit.name
                summed += line.figures
            assert found.total == _matrix_total(unit_ids_below([top]), now)
            assert found.total == _live_figures(unit_ids_below([top]), now)
            assert found.total.total <= summed.total
        record_month(now)
        for line in found.lines:  # the municipality's areas, as the nightly job counts them
            if not line.direct:
                assert _month_total(line.unit.id, now) == line.figures.total, line.unit.name
        assert _month_total(org.municipality.id, now) == found.total.total


def _month_total(unit_id: int, now) -> int:
    counted = MonthFigures.met + MonthFigures.expiring + MonthFigures.expired + MonthFigures.missing
    query = sa.select(sa.func.sum(counted)).where(
        MonthFigures.unit_id == unit_id, MonthFigures.month == now.date().replace(day=1)
    )
    return db.session.scalar(query) or 0
