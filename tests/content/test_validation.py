"""Every kind of broken package is refused with the exact file and line, and nothing of it is
installed: not from a folder, not from a zip, not through the command."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pytest

from lms.cli import main
from lms.content import library, services, upload
from lms.content.problems import InvalidPackage
from lms.extensions import db
from tests.content.packages import (
    BROKEN,
    EVERY_CARD,
    GOVERNANCE,
    MODULES,
    assert_nothing_installed,
    copy_package,
    folder_members,
    versions_of,
    zip_bytes,
    zip_folder,
)

# (fixture folder, file, line, part of the message); each fixture has exactly this one problem.
ONE_PROBLEM = [
    ("ugyldig-yaml", "module.yaml", 4, "ugyldig YAML: mapping values are not allowed here"),
    ("ukjent-korttype", "module.yaml", 11, "ukjent korttype «hotspot»"),
    ("mangler-markdown", "module.yaml", 9, "filen «intro.md» finnes ikke i pakken"),
    ("skript-i-markdown", "intro.md", 4, "HTML-taggen <script> er ikke tillatt"),
    ("bilde-uten-alt", "module.yaml", 10, "bildekortet mangler alt-tekst («alt»)"),
    ("markdown-bilde-uten-alt", "intro.md", 5, "bildet «media/pixel.png» mangler alt-tekst"),
    ("dobbel-kort-id", "module.yaml", 10, "kort-id «intro» er brukt før"),
    ("to-riktige-svar", "module.yaml", 10, "nøyaktig ett riktig svar"),
    ("mangler-bokmal", "module.yaml", 3, "«title» mangler tekst på bokmål (nb)"),
]
DISALLOWED_FILES = [
    ("media/tegning.bmp", "filtypen «.bmp» er ikke tillatt"),
    ("program.exe", "filtypen «.exe» er ikke tillatt"),
    ("side.html", "filtypen «.html» er ikke tillatt"),
]
ALL_BROKEN = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


def test_every_broken_fixture_is_in_the_matrix():
    assert sorted([case[0] for case in ONE_PROBLEM] + ["ulovlig-filtype"]) == ALL_BROKEN


def _refused(app, folder: Path):
    with app.app_context(), pytest.raises(InvalidPackage) as raised:
        services.install(folder, str(folder), publish=True)
    return raised.value.problems


@pytest.mark.parametrize(("name", "file", "line", "message"), ONE_PROBLEM)
def test_a_broken_package_names_the_file_and_line(app, name, file, line, message):
    (problem,) = _refused(app, BROKEN / name)
    assert (problem.file, problem.line) == (file, line)
    assert message in problem.message
    with app.app_context():
        assert_nothing_installed(name)


def test_the_unknown_card_type_problem_lists_the_known_ones(app):
    (problem,) = _refused(app, BROKEN / "ukjent-korttype")
    assert "(kjente: " in problem.message and "single_choice" in problem.message


def test_disallowed_file_types_are_each_named(app):
    problems = _refused(app, BROKEN / "ulovlig-filtype")
    assert [(p.file, p.line, p.message) for p in problems] == [
        (file, 0, message) for file, message in DISALLOWED_FILES
    ]
    with app.app_context():
        assert_nothing_installed("ulovlig-filtype")


@pytest.mark.parametrize(("name", "file", "line", "message"), ONE_PROBLEM)
def test_the_same_problem_through_a_zip_upload(app, tmp_path, name, file, line, message):
    archive = tmp_path / f"{name}.zip"
    archive.write_bytes(zip_folder(BROKEN / name, prefix=f"{name}/"))
    with app.app_context(), pytest.raises(InvalidPackage) as raised:
        upload.install_zip(archive, archive.name)
    (problem,) = raised.value.problems
    assert (problem.file, problem.line) == (file, line)
    assert message in problem.message
    with app.app_context():
        assert_nothing_installed(name)


def test_a_symbolic_link_in_a_folder_is_refused(app, tmp_path):
    package = copy_package(EVERY_CARD, tmp_path / "lenke", module_id="med-lenke")
    os.symlink(package / "media" / "pixel.png", package / "media" / "lenke.png")
    problems = _refused(app, package)
    assert [(p.file, p.line) for p in problems] == [("media/lenke.png", 0)]
    assert "symbolske lenker er ikke tillatt" in problems[0].message
    with app.app_context():
        assert_nothing_installed("med-lenke")


def test_a_symbolic_link_in_a_zip_is_refused(app, tmp_path):
    package = copy_package(EVERY_CARD, tmp_path / "pakke", module_id="zip-med-lenke")
    data = zip_bytes(folder_members(package), symlinks={"media/passord.png": "/etc/passwd"})
    with app.app_context(), pytest.raises(InvalidPackage) as raised:
        upload.install_zip(io.BytesIO(data), "lenke.zip")
    assert [(p.file, p.line) for p in raised.value.problems] == [("media/passord.png", 0)]
    assert "symbolske lenker" in raised.value.problems[0].message
    with app.app_context():
        assert_nothing_installed("zip-med-lenke")


def test_a_zip_with_parent_paths_is_refused_and_nothing_is_written_outside(app, tmp_path):
    package = copy_package(EVERY_CARD, tmp_path / "pakke", module_id="zip-med-sti-ut")
    members = folder_members(package)
    members["../../utenfor.md"] = "Skulle ikke vært her."
    members["media/../../også-utenfor.md"] = "Heller ikke her."
    with app.app_context(), pytest.raises(InvalidPackage) as raised:
        upload.install_zip(io.BytesIO(zip_bytes(members)), "slip.zip")
    assert [(p.file, p.line) for p in raised.value.problems] == [
        ("../../utenfor.md", 0),
        ("media/../../også-utenfor.md", 0),
    ]
    assert all("peker ut av pakken" in p.message for p in raised.value.problems)
    with app.app_context():
        assert_nothing_installed("zip-med-sti-ut")
    temporary = Path(tempfile.gettempdir())
    assert not (temporary / "utenfor.md").exists()
    assert not (temporary / "også-utenfor.md").exists()


def test_every_zip_problem_is_reported_at_once(app):
    members = folder_members(EVERY_CARD)
    members |= {"/etc/cron.d/x.md": "x", "../ut.md": "x", "media/logo.bmp": "<svg/>", "kjør.exe": "MZ"}
    data = zip_bytes(members, symlinks={"media/lenke.png": "../../hemmelig"})
    with app.app_context(), pytest.raises(InvalidPackage) as raised:
        upload.install_zip(io.BytesIO(data), "alt-galt.zip")
    assert {p.file for p in raised.value.problems} == {
        "/etc/cron.d/x.md",
        "../ut.md",
        "media/logo.bmp",
        "kjør.exe",
        "media/lenke.png",
    }


def test_installing_the_same_package_twice_changes_nothing(app):
    with app.app_context():
        first, created = services.install(EVERY_CARD, "første", publish=True)
        db.session.commit()
        again, created_again = services.install(EVERY_CARD, "andre", publish=True)
        db.session.commit()
        assert created and not created_again
        assert again.id == first.id and again.source == "første"
        assert len(versions_of("alle-korttyper")) == 1


def test_changed_content_under_the_same_version_number_is_refused(app, tmp_path):
    changed = copy_package(EVERY_CARD, tmp_path / "endret")
    (changed / "intro.md").write_text("## Ny tekst\n\nEndret uten ny versjon.\n", encoding="utf-8")
    with app.app_context():
        original, _created = services.install(EVERY_CARD, "test", publish=True)
        db.session.commit()
        with pytest.raises(InvalidPackage) as raised:
            services.install(changed, "test", publish=True)
        assert [(p.file, p.line) for p in raised.value.problems] == [("module.yaml", 1)]
        assert "versjon 1.0.0 er installert med annet innhold" in raised.value.problems[0].message
        assert [v.id for v in versions_of("alle-korttyper")] == [original.id]
        assert services.current_version("alle-korttyper").id == original.id
        new_hash = library.parse(changed).content_hash
        assert not library.stored_folder("alle-korttyper", new_hash).exists()


def test_an_older_version_number_is_refused_and_the_newer_stays_published(app, tmp_path):
    newer = copy_package(EVERY_CARD, tmp_path / "v1.10", version="1.10.0")
    (newer / "intro.md").write_text("## Nyere\n\nVersjon 1.10.0.\n", encoding="utf-8")
    older = copy_package(EVERY_CARD, tmp_path / "v1.9", version="1.9")
    with app.app_context():
        published, _created = services.install(newer, "test", publish=True)
        db.session.commit()
        with pytest.raises(InvalidPackage) as raised:
            services.install(older, "test", publish=True)
        assert [str(p) for p in raised.value.problems] == [
            "module.yaml:1: versjon 1.9 er eldre enn installert versjon 1.10.0; øk «version»"
        ]
        assert services.current_version("alle-korttyper").id == published.id
        assert [v.version for v in versions_of("alle-korttyper")] == ["1.10.0"]


def test_a_new_version_is_published_while_an_attempt_stays_on_the_old(app, org, tmp_path):
    from lms.learning.services import module_of, start_or_resume
    from lms.organisation.models import Person

    v2_folder = copy_package(EVERY_CARD, tmp_path / "v2", version="1.1.0")
    intro = v2_folder / "intro.md"
    intro.write_text(intro.read_text(encoding="utf-8") + "\nNytt avsnitt i 1.1.0.\n", "utf-8")
    with app.app_context():
        v1, _created = services.install(EVERY_CARD, "test", publish=True)
        nurse = db.session.get(Person, org.nurse.id)
        attempt = start_or_resume(nurse, v1)
        db.session.commit()
        v2, created = services.install(v2_folder, "test", publish=True)
        db.session.commit()
        assert created and v2.version == "1.1.0"
        assert services.current_version("alle-korttyper").id == v2.id
        assert v1.status.value == "retired" and v2.status.value == "published"

        db.session.refresh(attempt)
        assert attempt.version_id == v1.id
        assert start_or_resume(nurse, v2).id == attempt.id  # resumed, still on 1.0.0
        assert module_of(attempt).version == "1.0.0"
        assistant = db.session.get(Person, org.assistant.id)
        other = start_or_resume(assistant, services.current_version("alle-korttyper"))
        db.session.commit()
        assert other.version_id == v2.id
        assert "Nytt avsnitt i 1.1.0." in str(module_of(other).card("intro").data["body"]["nb"])
        assert library.stored_folder("alle-korttyper", v1.content_hash).is_dir()
        assert library.stored_folder("alle-korttyper", v2.content_hash).is_dir()


# The command ----------------------------------------------------------------------------------------


def _validate(app, *paths):
    return app.test_cli_runner().invoke(main, args=["modules", "validate", *map(str, paths)])


def test_validate_accepts_the_fixture_modules(app):
    result = _validate(app, MODULES)
    assert result.exit_code == 0, result.output
    assert "OK alle-korttyper 1.0.0 (10 cards)" in result.output


@pytest.mark.parametrize(("name", "file", "line", "message"), ONE_PROBLEM)
def test_validate_names_file_and_line_of_each_broken_fixture(app, name, file, line, message):
    result = _validate(app, BROKEN / name)
    assert result.exit_code == 1
    assert f"INVALID {BROKEN / name}" in result.output
    assert f"  {file}:{line}: " in result.output and message in result.output


def test_validate_a_folder_of_packages_and_a_zip_together(app, tmp_path):
    archive = tmp_path / "pakke.zip"
    archive.write_bytes(zip_folder(EVERY_CARD, prefix="alle-korttyper/"))
    result = _validate(app, archive, BROKEN)
    assert result.exit_code == 1
    assert f"OK alle-korttyper 1.0.0 (10 cards)  {archive}" in result.output
    assert result.output.count("INVALID ") == len(ALL_BROKEN)
    for file, message in DISALLOWED_FILES:
        assert f"  {file}:0: {message}" in result.output


def test_validate_reports_a_bad_zip(app, tmp_path):
    archive = tmp_path / "ikke.zip"
    archive.write_bytes(b"Dette er ikke en zip-fil.")
    result = _validate(app, archive)
    assert result.exit_code == 1
    assert "  ikke.zip:0: filen er ikke en gyldig zip-fil" in result.output


def test_validate_a_folder_without_packages_fails(app, tmp_path):
    result = _validate(app, tmp_path)
    assert result.exit_code == 1
    assert "no module.yaml here or in its sub-folders" in result.output


def test_validate_installs_nothing(app):
    assert _validate(app, MODULES).exit_code == 0
    with app.app_context():
        assert versions_of("alle-korttyper") == []


# Lines inside YAML values -----------------------------------------------------------------------


def _write(folder: Path, manifest: str) -> Path:
    folder.mkdir()
    (folder / "module.yaml").write_text(manifest + GOVERNANCE, encoding="utf-8")
    return folder


HEAD = "id: linjer\nversion: 1.0.0\ntitle: Linjer\nsummary: S\nminutes: 2\ncards:\n"


def test_markdown_in_a_block_scalar_names_its_own_line(tmp_path):
    manifest = HEAD + (
        "  - id: intro\n"  # 7
        "    type: text\n"  # 8
        "    body: |\n"  # 9
        "      Første linje.\n"  # 10
        "      <script>alert(1)</script>\n"  # 11
        "      ![](https://example.org/bilde.png)\n"  # 12
    )
    with pytest.raises(InvalidPackage) as raised:
        library.parse(_write(tmp_path / "blokk", manifest))
    assert [(p.file, p.line) for p in raised.value.problems] == [
        ("module.yaml", 11),
        ("module.yaml", 12),
    ]


def test_markdown_per_language_names_the_language_line(tmp_path):
    manifest = HEAD + (
        "  - id: intro\n"  # 7
        "    type: text\n"  # 8
        "    body:\n"  # 9
        "      nb: Hei.\n"  # 10
        "      en: Hello <iframe src=x>\n"  # 11
    )
    with pytest.raises(InvalidPackage) as raised:
        library.parse(_write(tmp_path / "spraak", manifest))
    assert [(p.file, p.line) for p in raised.value.problems] == [("module.yaml", 11)]
    assert "<iframe>" in raised.value.problems[0].message


def test_evidence_may_be_left_out(tmp_path):
    manifest = HEAD + "  - id: intro\n    type: text\n    body: Hei.\n"
    module = library.parse(_write(tmp_path / "uten-bevis", manifest))
    assert module.evidence == ()


def test_evidence_that_is_not_a_list_is_refused(tmp_path):
    manifest = HEAD.replace("cards:\n", "evidence: DHK-2.1\ncards:\n") + (
        "  - id: intro\n    type: text\n    body: Hei.\n"
    )
    with pytest.raises(InvalidPackage) as raised:
        library.parse(_write(tmp_path / "feil-bevis", manifest))
    assert [(p.file, p.line) for p in raised.value.problems] == [("module.yaml", 6)]
