"""The shipped frameworks, Moodle CSV export and import (all or nothing, naming the line)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from lms.competence import moodle_csv, services
from lms.competence.models import Competence, Framework
from lms.extensions import db

MODULES = Path(__file__).resolve().parents[2] / "modules"
DHK = services.SHIPPED / "digital-helsekompetanse.csv"


def _module_codes() -> set[str]:
    codes = set()
    for manifest in MODULES.glob("*/module.yaml"):
        for item in yaml.safe_load(manifest.read_text(encoding="utf-8")).get("evidence", []):
            codes.add(item["competence"])
    return codes


def test_the_shipped_frameworks_hold_every_code_the_modules_give_evidence_for(app):
    with app.app_context():
        services.load_shipped()
        codes = set(db.session.scalars(sa.select(Competence.code)))
        dhk = db.session.scalar(sa.select(Framework).filter_by(idnumber="DHK"))
        top = [c for c in dhk.competences if c.parent_id is None]

        assert _module_codes() <= codes
        assert {"DHK-1", "DHK-7", "GRN-1", "SOFT-1", "SOFT-2"} <= codes
        assert dhk.titles["nb"] == "Digital helsekompetanse i kommunale helse- og omsorgstjenester"
        assert [c.code for c in top] == [f"DHK-{n}" for n in range(1, 8)]
        assert all(c.mappings and "digcomp" in c.mappings[0] for c in top)
        assert [(lv.value, lv.proficient) for lv in dhk.scale.levels] == [
            (1, False),
            (2, True),
            (3, True),
        ]


def test_the_patient_safety_framework_holds_the_areas_municipalities_renew(app):
    with app.app_context():
        services.load_shipped()
        psk = db.session.scalar(sa.select(Framework).filter_by(idnumber="PSK"))
        top = [c.code for c in psk.competences if c.parent_id is None]
        pressure_ulcers = services.competences_by_code(["PSK-5.3"])["PSK-5.3"]

        assert (
            psk.titles["en"]
            == "Patient safety and clinical practice in municipal health and care services"
        )
        assert top == [f"PSK-{n}" for n in range(1, 10)]
        assert pressure_ulcers.parent.code == "PSK-5"
        assert pressure_ulcers.titles == {"nb": "Trykksår", "nn": "Trykksår", "en": "Pressure ulcers"}
        assert [lv.names for lv in psk.scale.levels] == [
            {"nb": "Grunnleggende", "nn": "Grunnleggjande", "en": "Basic"},
            {"nb": "Selvstendig", "nn": "Sjølvstendig", "en": "Independent"},
            {"nb": "Avansert", "nn": "Avansert", "en": "Advanced"},
        ]


def test_loading_the_shipped_frameworks_twice_changes_nothing(app):
    with app.app_context():
        services.load_shipped()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Competence))
        services.load_shipped()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Competence)) == count


def test_the_shipped_framework_exported_to_csv_imports_back_identical(app):
    with app.app_context():
        services.load_shipped()
        framework = db.session.scalar(sa.select(Framework).filter_by(idnumber="DHK"))
        exported = services.export_framework(framework)
        assert exported == DHK.read_bytes()
        before = services.framework_spec(framework).comparable()

        db.session.delete(framework)
        db.session.flush()
        imported = services.import_framework(exported)

        assert not isinstance(imported, list)
        assert imported.id != framework.id
        assert services.framework_spec(imported).comparable() == before
        assert services.export_framework(imported) == exported


def _broken(data: bytes, line: int, replacement: str) -> bytes:
    lines = data.decode("utf-8").split("\n")
    lines[line - 1] = replacement
    return "\n".join(lines).encode("utf-8")


def test_a_broken_file_imports_nothing_and_names_the_line(app):
    data = _broken(DHK.read_bytes(), 5, "DHK-1,DHK-1.2,,,2,,,,,,,DHK-1.2,0,,,,")
    data = _broken(data, 10, "NOPE,DHK-3.1,Noe,,2,,,,,,,DHK-3.1,0,,,,")
    with app.app_context():
        result = services.import_framework(data)
        assert isinstance(result, list)
        assert [(p.line, p.message) for p in result] == [
            (5, "«Short name» mangler"),
            (10, "overordnet kompetanse «NOPE» finnes ikke i filen"),
        ]
        assert str(result[0]) == "linje 5: «Short name» mangler"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Competence)) == 0


def test_a_file_without_moodles_header_is_refused_on_line_1_saying_how_it_was_read():
    problems = moodle_csv.parse("kode;tittel\nA;Bø\n".encode("cp1252"))
    assert problems == [problems[0]] and problems[0].line == 1
    assert "(filen er lest som Windows-1252, semikolon)" in problems[0].message


def _as_excel_writes(data: bytes, encoding: str, separator: str) -> bytes:
    """``data`` saved again by a spreadsheet: another separator and encoding, CRLF line ends."""
    out = io.StringIO()
    csv.writer(out, delimiter=separator).writerows(csv.reader(io.StringIO(data.decode(), newline="")))
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize(("encoding", "separator"), [("utf-16", "\t"), ("utf-16", ";"), ("cp1252", ";")])
def test_a_framework_saved_again_by_excel_imports_identical(app, encoding, separator):
    original = moodle_csv.parse(DHK.read_bytes())
    data = _as_excel_writes(DHK.read_bytes(), encoding, separator)
    with app.app_context():
        imported = services.import_framework(data)
        assert services.framework_spec(imported).comparable() == original.comparable()
        assert any("ø" in c.titles["nb"] for c in original.competences)


def test_a_saved_again_framework_with_a_bad_line_imports_nothing_and_names_the_line(app):
    data = _as_excel_writes(DHK.read_bytes(), "cp1252", ";")
    lines = data.split(b"\r\n")
    lines[3] = lines[3].replace(b";2;", b";x;", 1)
    with app.app_context():
        result = services.import_framework(b"\r\n".join(lines))
        assert [str(p) for p in result] == ["linje 4: «Description format» skal være et tall, ikke «x»"]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 0


def test_a_broken_encoding_is_named_rather_than_the_header():
    data = DHK.read_bytes() + ",DHK-9,Søvn,,2,,,,,,,DHK-9,0,,,,\n".encode("cp1252")
    [problem] = moodle_csv.parse(data)
    assert problem.line == DHK.read_bytes().count(b"\n") + 1
    assert "teksten er ikke gyldig UTF-8" in problem.message


def test_bad_scale_configuration_and_duplicate_codes_are_named():
    spec = moodle_csv.parse(DHK.read_bytes())
    data = moodle_csv.write(spec).decode().replace('"proficient"":1', '"proficient"":0')
    data += ",DHK-1,Igjen,,2,,,,,,,DHK-1,0,,,,\n"
    problems = moodle_csv.parse(data.encode())
    messages = {(p.line, p.message) for p in problems}
    assert (2, "«Scale configuration» merker ingen nivåer som kompetente") in messages
    assert any(line == len(spec.competences) + 3 and "står også på linje 3" in m for line, m in messages)


def test_a_code_held_by_another_framework_is_refused_with_its_line(app):
    with app.app_context():
        services.load_shipped()
        other = DHK.read_bytes().replace(b",DHK,", b",ANNET,", 1)
        result = services.import_framework(other)
        assert isinstance(result, list)
        assert result[0].line == 3
        assert "«DHK-1» brukes allerede i rammeverket «DHK»" in result[0].message


def _upload(client, data: bytes, filename: str = "dhk.csv", **kwargs):
    return client.submit(
        "/admin/competence",
        {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        **kwargs,
    )


def test_admin_uploads_a_framework_and_a_broken_one_is_refused_on_the_page(app, org, client):
    client.sign_in(org.admin)
    broken = _broken(DHK.read_bytes(), 4, ",DHK-1.1,Logge inn,,x,,,,,,,DHK-1.1,0,,,,")
    response = _upload(client, broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "linje 4: «Description format» skal være et tall, ikke «x»" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 0

    response = _upload(client, DHK.read_bytes(), follow_redirects=True)
    assert "Digital helsekompetanse i kommunale helse- og omsorgstjenester" in response.get_data(
        as_text=True
    )
    with app.app_context():
        framework = db.session.scalar(sa.select(Framework).filter_by(idnumber="DHK"))
    exported = client.get(f"/admin/competence/{framework.id}.csv")
    assert exported.data == DHK.read_bytes()


def test_an_english_admin_reads_the_import_problems_in_english(app, org, client):
    with app.app_context():
        services.load_shipped()
        db.session.commit()
    client.sign_in(org.admin)
    client.submit("/language", {"language": "en", "next": "/"})
    broken = _broken(DHK.read_bytes(), 4, ",DHK-1.1,Logge inn,,x,,,,,,,DHK-1.1,0,,,,")
    broken = _broken(broken, 5, "DHK-1,DHK-1.2,,,2,,,,,,,DHK-1.2,0,,,,")
    broken = _broken(broken, 10, "NOPE,DHK-3.1,Noe,,2,,,,,,,DHK-3.1,0,,,,")
    response = _upload(client, broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "line 4: “Description format” must be a number, not “x”" in page
    assert "line 5: “Short name” is missing" in page
    assert "line 10: parent competence “NOPE” is not in the file" in page
    assert "linje" not in page and "mangler" not in page

    taken = DHK.read_bytes().replace(b",DHK,", b",ANNET,", 1)
    page = _upload(client, taken, "annet.csv").get_data(as_text=True)
    assert "line 3: the code “DHK-1” is already used in the framework “DHK”" in page


def test_only_admins_import_frameworks(org, client):
    client.sign_in(org.manager)
    assert client.get("/admin/competence").status_code == 403


def test_the_commands_load_export_and_import_frameworks(app, tmp_path):
    from lms.cli import main

    runner = app.test_cli_runner()
    loaded = runner.invoke(main, ["competence", "load-shipped"])
    assert loaded.exit_code == 0, loaded.output
    assert "DHK: 18 competences" in loaded.output
    assert "PSK: 16 competences" in loaded.output
    exported = runner.invoke(main, ["competence", "export", "DHK"])
    assert exported.stdout_bytes == DHK.read_bytes()
    broken = tmp_path / "broken.csv"
    broken.write_bytes(_broken(DHK.read_bytes(), 3, ",,Uten kode,,2,,,,,,,,0,,,,"))
    refused = runner.invoke(main, ["competence", "import", str(broken)])
    assert refused.exit_code == 1
    assert "broken.csv: linje 3: «ID number» mangler" in refused.output


def test_texts_that_would_start_a_formula_are_quoted_in_the_export_and_read_back_unchanged():
    spec = moodle_csv.FrameworkSpec(
        "=FW",
        "+Rammeverk",
        {"nb": "+Rammeverk", "en": "@Framework"},
        {"nb": "- punkt", "en": "=1+1"},
        moodle_csv.ScaleSpec([({"nb": "Grunnleggende"}, False), ({"nb": "Selvstendig"}, True)]),
        "",
        [
            moodle_csv.CompetenceSpec(
                "-1", "", {"nb": '=HYPERLINK("http://evil.example","x")'}, {"nb": "-innrykk"}, []
            ),
            moodle_csv.CompetenceSpec("@2", "-1", {"nb": "Vanlig"}, {"nb": ""}, []),
        ],
    )
    exported = moodle_csv.write(spec)
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8"), newline="")))

    assert rows[1][1:4] == ["'=FW", "'+Rammeverk", "'- punkt"]
    assert rows[2][:3] == ["", "'-1", '\'=HYPERLINK("http://evil.example","x")']
    assert rows[3][:2] == ["'-1", "'@2"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    parsed = moodle_csv.parse(exported)
    assert parsed.comparable() == spec.comparable()


def test_the_soft_skills_framework_holds_leading_change_and_new_in_the_job(app):
    with app.app_context():
        services.load_shipped()
        soft = db.session.scalar(sa.select(Framework).filter_by(idnumber="SOFT"))
        by_code = {c.code: c for c in soft.competences}
        exported = services.export_framework(soft)

        assert [c.code for c in soft.competences if c.parent_id is None] == [
            "SOFT-1",
            "SOFT-2",
            "SOFT-3",
            "SOFT-4",
        ]
        assert [c.code for c in soft.competences if c.parent is by_code["SOFT-3"]] == [
            "SOFT-3.1",
            "SOFT-3.2",
        ]
        assert by_code["SOFT-3.2"].titles == {
            "nb": "Lede refleksjonsgrupper",
            "nn": "Leie refleksjonsgrupper",
            "en": "Leading reflection groups",
        }
        assert by_code["SOFT-4"].mappings == []
        assert exported == (services.SHIPPED / "samarbeid-og-endring.csv").read_bytes()
