"""The governance fields of a package (author, responsible, review date, licence, sources, facilitator
guide): each problem named with its file and line; a passed review date is a warning for
``lms modules validate`` and a refusal with ``--strict``; versions installed before the fields
were required still open."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from lms.cli import main
from lms.content import library, services
from lms.content.problems import InvalidPackage
from lms.extensions import db
from tests.content.packages import EVERY_CARD, copy_package

# Line numbers are those of the manifest built by _manifest below.
LINES = [
    "id: styring",  # 1
    "version: 1.0.0",  # 2
    "title: Styring",  # 3
    "summary: Om styringsfeltene.",  # 4
    "minutes: 2",  # 5
    "cards:",  # 6
    "  - id: intro",  # 7
    "    type: text",  # 8
    "    body: Hei.",  # 9
    "author: Lærevakt-redaksjonen",  # 10
    "responsible: Fagansvarlig sykepleier",  # 11
    "review_date: 2027-12-01",  # 12
    "licence: CC-BY-4.0",  # 13
    "sources:",  # 14
    "  - title: Helsepersonelloven",  # 15
    "    url: https://lovdata.no/dokument/NL/lov/1999-07-02-64",  # 16
    "    read: 2026-12-01",  # 17
    "facilitator_guide: fasilitator.md",  # 18
]


def _package(folder: Path, changes: dict[int, str | None] | None = None) -> Path:
    """The package above with ``changes`` (line number to new text, or None to leave it out)."""
    changes = changes or {}
    lines = [changes.get(number, line) for number, line in enumerate(LINES, start=1)]
    folder.mkdir()
    text = "\n".join(line for line in lines if line is not None) + "\n"
    (folder / "module.yaml").write_text(text, encoding="utf-8")
    (folder / "fasilitator.md").write_text("## Før dere starter\n\nSnakk sammen.\n", "utf-8")
    return folder


def _problems(folder: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(InvalidPackage) as raised:
        library.parse(folder)
    return [(p.file, p.line, p.message) for p in raised.value.problems]


def test_the_package_with_every_field_is_read(tmp_path):
    governance = library.parse(_package(tmp_path / "styring")).governance
    assert governance.author == "Lærevakt-redaksjonen"
    assert governance.responsible == "Fagansvarlig sykepleier"
    assert governance.review_date == date(2027, 12, 1)
    assert governance.licence == "CC-BY-4.0"
    [source] = governance.sources
    assert (source.title, source.read) == ("Helsepersonelloven", date(2026, 12, 1))
    assert source.url == "https://lovdata.no/dokument/NL/lov/1999-07-02-64"
    assert "Før dere starter</h3>" in governance.facilitator_guide["nb"]


# (changes, line, part of the message); each case has exactly this one problem.
ONE_PROBLEM = {
    "author missing": ({10: None}, 1, "«author» mangler"),
    "author not text": ({10: "author: [Ada, Bo]"}, 10, "«author» skal være en tekst"),
    "author empty": ({10: "author: ''"}, 10, "«author» mangler"),
    "responsible missing": ({11: None}, 1, "«responsible» mangler"),
    "responsible not text": ({11: "responsible: 42"}, 11, "«responsible» skal være en tekst"),
    "review_date missing": ({12: None}, 1, "«review_date» mangler"),
    "review_date no such day": ({12: "review_date: 2027-02-30"}, 12, "er ikke en dato"),
    "review_date not a date": ({12: "review_date: neste år"}, 12, "er ikke en dato"),
    "review_date a list": ({12: "review_date: [2027]"}, 12, "er ikke en dato"),
    "licence missing": ({13: None}, 1, "«licence» mangler"),
    "licence not SPDX": ({13: "licence: CC BY 4.0"}, 13, "er ikke en SPDX-identifikator"),
    "sources missing": ({14: None, 15: None, 16: None, 17: None}, 1, "«sources» skal være en liste"),
    "sources not a list": (
        {14: "sources: lovdata.no", 15: None, 16: None, 17: None},
        14,
        "«sources» skal være en liste",
    ),
    "sources empty": ({14: "sources: []", 15: None, 16: None, 17: None}, 14, "minst én kilde"),
    "source not a map": ({15: "  - Lovdata", 16: None, 17: None}, 15, "en kilde skal være et kart"),
    "source title missing": ({15: "  - url: https://lovdata.no/", 16: None}, 15, "«title» mangler"),
    "source url missing": ({16: None}, 15, "«url» mangler"),
    "source url without scheme": ({16: "    url: lovdata.no/lov"}, 16, "er ikke en nettadresse"),
    "source url javascript": ({16: "    url: javascript:alert(1)"}, 16, "er ikke en nettadresse"),
    "source url with a space": ({16: "    url: https://lovdata.no/a b"}, 16, "nettadresse"),
    "source url not text": ({16: "    url: [https://lovdata.no/]"}, 16, "skal være en tekst"),
    "source read missing": ({17: None}, 15, "«read» mangler"),
    "source read not a date": ({17: "    read: i går"}, 17, "er ikke en dato"),
    "guide missing": ({18: None}, 1, "«facilitator_guide» mangler"),
    "guide file missing": ({18: "facilitator_guide: borte.md"}, 18, "«borte.md» finnes ikke"),
    "guide with script": (
        {18: "facilitator_guide: Hei <script>alert(1)</script>"},
        18,
        "<script> er ikke tillatt",
    ),
}


@pytest.mark.parametrize(("changes", "line", "message"), ONE_PROBLEM.values(), ids=ONE_PROBLEM)
def test_a_governance_problem_names_its_file_and_line(tmp_path, changes, line, message):
    [(file, found_line, found)] = _problems(_package(tmp_path / "styring", changes))
    assert (file, found_line) == ("module.yaml", line)
    assert message in found


def test_a_quoted_review_date_is_read_as_a_date(tmp_path):
    module = library.parse(_package(tmp_path / "styring", {12: "review_date: '2027-06-30'"}))
    assert module.governance.review_date == date(2027, 6, 30)


def test_every_missing_field_is_named_at_once(tmp_path):
    folder = _package(tmp_path / "styring", dict.fromkeys(range(10, 19)))
    missing = {message for _file, _line, message in _problems(folder)}
    assert len(missing) == 6
    for key in ("author", "responsible", "review_date", "licence", "facilitator_guide"):
        assert f"«{key}» mangler" in missing


def test_the_guide_may_be_given_per_language(tmp_path):
    changes = {18: "facilitator_guide:\n  nb: fasilitator.md\n  en: Talk it through."}
    guide = library.parse(_package(tmp_path / "styring", changes)).governance.facilitator_guide
    assert "Snakk sammen." in guide["nb"] and guide["en"] == "<p>Talk it through.</p>\n"


# An installed version from before the fields ----------------------------------------------------


def test_a_version_installed_before_the_fields_still_opens(app, tmp_path):
    """Attempts go on on the version they started: its stored package is reopened without the
    fields it was never asked for."""
    folder = copy_package(EVERY_CARD, tmp_path / "gammel", module_id="gammel-versjon")
    with app.app_context():
        version, _created = services.install(folder, "test", publish=True)
        db.session.commit()
        stored = library.stored_folder(version.module_id, version.content_hash)
        manifest = stored / "module.yaml"
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(text[: text.index("author:")], encoding="utf-8")
        library._parsed.pop(version.content_hash, None)
        try:
            module = services.load_version(version)
        finally:
            library._parsed.pop(version.content_hash, None)
            shutil.rmtree(stored.parent)
    assert module.governance is None and len(module.cards) == 10


def test_a_new_package_without_the_fields_is_refused(tmp_path):
    folder = copy_package(EVERY_CARD, tmp_path / "gammel")
    manifest = folder / "module.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: text.index("author:")], encoding="utf-8")
    assert len(_problems(folder)) == 6


# The review date in `lms modules validate` -------------------------------------------------------


def _validate(app, folder: Path, *options: str):
    return app.test_cli_runner().invoke(main, ["modules", "validate", str(folder), *options])


def test_a_review_date_still_ahead_is_ok(app, tmp_path):
    folder = _package(tmp_path / "styring")
    result = _validate(app, folder, "--strict", "--today", "2027-12-01")
    assert result.exit_code == 0
    assert f"OK styring 1.0.0 (1 cards)  {folder}" in result.output


def test_a_passed_review_date_is_a_warning(app, tmp_path):
    folder = _package(tmp_path / "styring")
    result = _validate(app, folder, "--today", "2027-12-02")
    assert result.exit_code == 0
    assert "WARNING styring 1.0.0: its review date 2027-12-01 has passed" in result.output
    assert "OK styring" not in result.output


def test_strict_refuses_a_passed_review_date(app, tmp_path):
    folder = _package(tmp_path / "styring")
    result = _validate(app, folder, "--strict", "--today", "2027-12-02")
    assert result.exit_code == 1
    assert "REFUSED styring 1.0.0: its review date 2027-12-01 has passed" in result.output


# A level of a competence higher than a module can prove ------------------------------------------


def _claiming(folder: Path, competence: str, level: int) -> Path:
    evidence = f"minutes: 2\nevidence:\n  - competence: {competence}\n    level: {level}"
    return _package(folder, {5: evidence})


def test_a_claim_above_what_a_module_proves_is_a_warning_naming_both_levels(app, tmp_path):
    folder = _claiming(tmp_path / "styring", "DHK-1", 2)
    result = _validate(app, folder, "--today", "2027-12-01")
    assert result.exit_code == 0
    assert (
        "WARNING styring 1.0.0: its evidence claims DHK-1 at level 2, but a module proves at most"
        f" level 1 of DHK-1; state level 1  {folder}"
    ) in result.output
    assert "OK styring" not in result.output


def test_strict_refuses_a_claim_above_what_a_module_proves(app, tmp_path):
    folder = _claiming(tmp_path / "styring", "SOFT-2", 3)
    result = _validate(app, folder, "--strict", "--today", "2027-12-01")
    assert result.exit_code == 1
    assert "REFUSED styring 1.0.0: its evidence claims SOFT-2 at level 3" in result.output


def test_a_claim_a_module_can_prove_or_of_an_unknown_competence_is_ok(app, tmp_path):
    for name, competence, level in (("kunnskap", "DHK-1", 1), ("ukjent", "ANNET-1", 3)):
        folder = _claiming(tmp_path / name, competence, level)
        result = _validate(app, folder, "--strict", "--today", "2027-12-01")
        assert result.exit_code == 0, result.output
        assert f"OK styring 1.0.0 (1 cards)  {folder}" in result.output
