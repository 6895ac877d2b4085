"""The matrix pages and filters in SQL: a page shows 50 people, the pager walks the rest with the
filters kept, the phone list pages alike, and the exports hold everyone matching."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from lms.competence import services as competence
from lms.extensions import db
from lms.organisation.models import Role, Unit
from tests.conftest import add_person


@pytest.fixture
def crowded(app, org):
    """The ward requires DHK-5 and holds 60 more people (62 in all)."""
    with app.app_context():
        competence.load_shipped()
        ward = db.session.get(Unit, org.ward.id)
        security = competence.competences_by_code(["DHK-5"])["DHK-5"]
        competence.add_requirement(security, ward, 2, validity_months=12)
        for i in range(60):
            add_person(f"Ansatt {i:03}", f"a{i}@testvik.no", ward, Role.STAFF, "helsefagarbeider")
        db.session.commit()


def _row_names(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [part.split("</a>", 1)[0].rsplit(">", 1)[1] for part in body.split('<th scope="row">')[1:]]


def test_a_page_shows_fifty_people_and_the_pager_the_rest(org, crowded, client):
    client.sign_in(org.manager)
    url = f"/reports/units/{org.ward.id}/matrix"
    first = client.get(url).get_data(as_text=True)
    assert len(_row_names(first)) == 50
    assert "62 personer × 1 kompetanser" in first
    assert "Side 1 av 2" in first and "Viser 1–50 av 62" in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    names = _row_names(second)
    assert len(names) == 12 and not set(names) & set(_row_names(first))
    assert "Viser 51–62 av 62" in second
    assert client.get(url + "?page=99").status_code == 200


def test_filters_are_kept_from_page_to_page(org, crowded, client):
    client.sign_in(org.manager)
    url = f"/reports/units/{org.ward.id}/matrix?q=ansatt&state=MISSING"
    first = client.get(url).get_data(as_text=True)
    assert "60 personer" in first and org.nurse.name not in first.split("<tbody>", 1)[1]
    assert "q=ansatt" in first.split('rel="next"', 1)[1].split(">", 1)[0]
    assert "state=MISSING" in first.split('rel="next"', 1)[1].split(">", 1)[0]
    met_only = client.get(f"/reports/units/{org.ward.id}/matrix?state=MET").get_data(as_text=True)
    assert "0 personer" in met_only and "Ingen treff." in met_only


def test_the_phone_list_pages_too(org, crowded, client):
    client.sign_in(org.manager)
    listed = client.get(f"/reports/units/{org.ward.id}/matrix?view=list&page=2").get_data(as_text=True)
    assert listed.count('<li><h2 class="person-name">') == 12
    assert "view=list" in listed.split('rel="prev"', 1)[1].split(">", 1)[0]


def test_the_exports_hold_everyone_matching_not_one_page(org, crowded, client):
    client.sign_in(org.manager)
    csv_text = client.get(f"/reports/units/{org.ward.id}/matrix.csv").data.decode("utf-8-sig")
    assert len(csv_text.splitlines()) == 1 + 62
    filtered = client.get(f"/reports/units/{org.ward.id}/matrix.csv?q=ansatt%2005")
    assert len(filtered.data.decode("utf-8-sig").splitlines()) == 1 + 10
    response = client.get(f"/reports/units/{org.ward.id}/matrix.xlsx")
    book = load_workbook(io.BytesIO(response.data))
    assert book["Kompetanse"].max_row == 1 + 62
    summary = list(book["Oppsummering"].iter_rows(values_only=True))
    assert summary[1][1:] == (0, 0, 0, 62)
