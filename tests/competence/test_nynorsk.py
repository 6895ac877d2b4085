"""Frameworks in Nynorsk: the CSV's optional ``Short name (nn)`` and ``Description (nn)`` columns, the
shipped frameworks' Nynorsk, and the pages a Nynorsk reader sees them on."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from lms.competence import moodle_csv, services
from lms.competence.models import Competence, Framework
from lms.extensions import db
from lms.organisation.models import Person
from tests.support.frameworks import require_shipped

PSK = services.SHIPPED / "pasientsikkerhet.csv"
NYNORSK_COLUMNS = ("Short name (nn)", "Description (nn)")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _without_nynorsk(data: bytes) -> bytes:
    """``data`` as a file from before the Nynorsk columns: the same, less those two columns."""
    rows = _rows(data)
    keep = [i for i, name in enumerate(rows[0]) if name not in NYNORSK_COLUMNS]
    return _csv([[row[i] for i in keep if i < len(row)] for row in rows])


def _renamed(data: bytes, column: str, name: str) -> bytes:
    rows = _rows(data)
    rows[0][rows[0].index(column)] = name
    return _csv(rows)


def _counts() -> tuple[int, int]:
    count = sa.select(sa.func.count())
    return (
        db.session.scalar(count.select_from(Framework)),
        db.session.scalar(count.select_from(Competence)),
    )


def test_every_shipped_framework_and_competence_has_a_nynorsk_name_and_description():
    for path in services.shipped_files():
        spec = moodle_csv.parse(path.read_bytes())
        for item in (spec, *spec.competences):
            assert item.titles.get("nn") and item.descriptions.get("nn"), (path.name, item.titles)
    psk = moodle_csv.parse(PSK.read_bytes())
    medicines = next(c for c in psk.competences if c.code == "PSK-1")
    assert medicines.titles["nn"] == "Legemiddelhandtering"
    assert medicines.descriptions["nn"].startswith(
        "Handtere legemiddel trygt etter verksemda sine prosedyrar"
    )
    assert psk.titles["nn"].startswith("Pasienttryggleik og helsefagleg praksis")


def test_nynorsk_survives_export_and_import_and_a_language_left_out_stays_out(app):
    spec = moodle_csv.FrameworkSpec(
        "NYN",
        "Rammeverk",
        {"nb": "Rammeverk", "nn": "Rammeverk på nynorsk"},
        {"nb": "Om det", "nn": "Om det på nynorsk", "en": "About it"},
        moodle_csv.ScaleSpec([({"nb": "En"}, False), ({"nb": "To"}, True)]),
        "",
        [
            moodle_csv.CompetenceSpec(
                "NYN-1", "", {"nb": "Håndtere", "nn": "Handtere"}, {"nb": "", "nn": "Trygt"}, []
            ),
            moodle_csv.CompetenceSpec("NYN-2", "NYN-1", {"nb": "Bare bokmål"}, {"nb": ""}, []),
        ],
    )
    exported = moodle_csv.write(spec)
    rows = _rows(exported)
    nn = [rows[0].index(name) for name in NYNORSK_COLUMNS]

    assert [rows[2][i] for i in nn] == ["Handtere", "Trygt"]
    assert [rows[3][i] for i in nn] == ["", ""]
    assert moodle_csv.parse(exported).comparable() == spec.comparable()
    with app.app_context():
        imported = services.import_framework(exported)
        again = services.framework_spec(imported)
        assert again.comparable() == spec.comparable()
        assert again.competences[1].titles == {"nb": "Bare bokmål"}
        assert services.export_framework(imported) == exported
        db.session.rollback()


def test_a_file_without_the_nynorsk_columns_imports_as_before(app):
    old = _without_nynorsk(PSK.read_bytes())
    assert "Short name (nn)" not in old.decode()
    with app.app_context():
        framework = services.import_framework(old)
        medicines = services.competences_by_code(["PSK-1"])["PSK-1"]

        assert framework.titles == {
            "nb": "Pasientsikkerhet og helsefaglig praksis i kommunale helse- og omsorgstjenester",
            "en": "Patient safety and clinical practice in municipal health and care services",
        }
        assert medicines.titles == {"nb": "Legemiddelhåndtering", "en": "Medicines management"}
        assert len(framework.competences) == 16
        db.session.rollback()


def test_an_installed_framework_gets_its_nynorsk_when_the_shipped_ones_are_loaded_again(app):
    with app.app_context():
        services.import_framework(_without_nynorsk(PSK.read_bytes()))
        db.session.flush()
        services.load_shipped()
        medicines = services.competences_by_code(["PSK-1"])["PSK-1"]

        assert medicines.titles["nn"] == "Legemiddelhandtering"
        assert medicines.framework.titles["nn"].startswith("Pasienttryggleik")
        db.session.rollback()


def test_a_misspelt_nynorsk_column_imports_nothing_and_names_the_line_and_column(app):
    misspelt = _renamed(PSK.read_bytes(), "Short name (nn)", "Short name (nynorsk)")
    squeezed = _renamed(PSK.read_bytes(), "Description (nn)", "Description(NN)")
    with app.app_context():
        [problem] = services.import_framework(misspelt)
        assert problem.line == 1
        assert problem.message.startswith(
            "kolonne 17: «Short name (nynorsk)» er ikke en kolonne Lærevakt kjenner; "
            "kolonnene etter Moodles heter Short name (en), Description (en), Short name (nn),"
        )
        assert str(problem).startswith("linje 1: kolonne 17: «Short name (nynorsk)»")
        [problem] = services.import_framework(squeezed)
        assert problem.message.startswith("kolonne 18: «Description(NN)» er ikke en kolonne")
        assert _counts() == (0, 0)


def test_a_nynorsk_column_named_twice_or_a_nynorsk_name_too_long_imports_nothing(app):
    rows = _rows(PSK.read_bytes())
    twice = _csv([[*row, row[16]] for row in rows])
    rows[3][16] = "Legemiddel" * 21
    too_long = _csv(rows)
    with app.app_context():
        assert [str(p) for p in services.import_framework(twice)] == [
            "linje 1: kolonne 23: «Short name (nn)» står to ganger"
        ]
        assert [str(p) for p in services.import_framework(too_long)] == [
            "linje 4: «Short name (nn)» er lengre enn 200 tegn"
        ]
        assert _counts() == (0, 0)


@pytest.mark.parametrize("column", ["Merknad", "Merknad (intern)"])
def test_a_column_moodle_and_lærevakt_do_not_know_is_still_ignored(app, column):
    rows = _rows(PSK.read_bytes())
    noted = _csv([[*row, "fra Excel" if n else column] for n, row in enumerate(rows)])
    with app.app_context():
        framework = services.import_framework(noted)
        assert len(framework.competences) == 16
        db.session.rollback()


def _nynorsk(client, person: Person) -> None:
    """Sign ``person`` in and choose Nynorsk (kept as their language)."""
    client.sign_in(person)
    client.submit("/language", {"language": "nn", "next": "/"})


def test_a_nynorsk_reader_and_manager_see_the_competences_in_nynorsk(app, org, make_client):
    with app.app_context():
        require_shipped("PSK-1", org.ward.id)

    nurse = make_client()
    _nynorsk(nurse, org.nurse)
    mine = nurse.get("/competence/me").get_data(as_text=True).split("<main")[1]
    assert "Legemiddelhandtering" in mine
    assert "Legemiddelhåndtering" not in mine

    manager = make_client()
    _nynorsk(manager, org.manager)
    report = manager.get(f"/reports/units/{org.ward.id}").get_data(as_text=True).split("<main")[1]
    assert "Legemiddelhandtering" in report
    assert "Legemiddelhåndtering" not in report
    matrix = manager.get(f"/reports/units/{org.ward.id}/matrix.csv").data.decode("utf-8-sig")
    assert "PSK-1 Legemiddelhandtering" in matrix

    with app.app_context():
        assert db.session.get(Person, org.nurse.id).locale == "nn"


def test_a_nynorsk_admin_is_told_the_imported_frameworks_nynorsk_name(org, client):
    _nynorsk(client, org.admin)
    response = client.submit(
        "/admin/competence",
        {"file": (io.BytesIO(PSK.read_bytes()), "psk.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Rammeverket «Pasienttryggleik og helsefagleg praksis i kommunale" in page
