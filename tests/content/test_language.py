"""Package problems in the reader's language: the upload report speaks the admin's language, the
command the installation's default (Bokmål); the Bokmål wording is checked in test_validation.py."""

from __future__ import annotations

import io

import pytest
from markupsafe import escape

from lms.cli import main
from lms.content import services
from lms.extensions import db
from tests.content.packages import BROKEN, EVERY_CARD, copy_package, zip_bytes, zip_folder

URL = "/admin/modules/upload"

# (fixture folder, the whole problem as an English admin reads it, the same in Bokmål)
IN_ENGLISH = [
    ("ugyldig-yaml", "invalid YAML: mapping values are not allowed here", "ugyldig YAML"),
    ("ukjent-korttype", "unknown card type “hotspot” (known: ", "ukjent korttype"),
    ("mangler-markdown", "the file “intro.md” is not in the package", "finnes ikke i pakken"),
    ("skript-i-markdown", "the HTML tag <script> is not allowed in Markdown", "HTML-taggen"),
    ("bilde-uten-alt", "the image card has no alt text (“alt”)", "bildekortet mangler"),
    ("markdown-bilde-uten-alt", "the image “media/pixel.png” has no alt text", "mangler alt-tekst"),
    ("dobbel-kort-id", "card id “intro” is used before", "er brukt før"),
    (
        "to-riktige-svar",
        "a single choice must have exactly one right answer (correct: true)",
        "nøyaktig ett riktig svar",
    ),
    ("mangler-bokmal", "“title” has no text in Bokmål (nb)", "mangler tekst på bokmål"),
    ("ulovlig-filtype", "the file type “.exe” is not allowed", "filtypen"),
]


@pytest.fixture
def english_admin(make_client, org):
    client = make_client()
    client.sign_in(org.admin)
    client.submit("/language", {"language": "en", "next": "/"})
    return client


def _report(client, data: bytes, filename: str = "pakke.zip") -> str:
    response = client.submit(
        URL, {"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "english", "bokmal"), IN_ENGLISH)
def test_an_english_admin_reads_the_package_problems_in_english(english_admin, name, english, bokmal):
    page = _report(english_admin, zip_folder(BROKEN / name, prefix=f"{name}/"))
    assert str(escape(english)) in page
    assert bokmal not in page


def test_an_english_admin_reads_the_zip_problems_in_english(english_admin):
    members = {"module.yaml": "id: x", "../ut.md": "x", "kjør.exe": "MZ"}
    page = _report(english_admin, zip_bytes(members, symlinks={"lenke.md": "/etc/passwd"}))
    assert "<td>../ut.md</td><td>–</td><td>the path points outside the package (“..”)</td>" in page
    assert "<td>kjør.exe</td><td>–</td><td>the file type “.exe” is not allowed</td>" in page
    assert "<td>lenke.md</td><td>–</td><td>symbolic links are not allowed in a package</td>" in page
    not_a_zip = _report(english_admin, b"%PDF-1.7", "kurs.zip")
    assert "<td>kurs.zip</td><td>–</td><td>the file is not a valid zip file</td>" in not_a_zip


def test_an_english_admin_is_told_to_raise_the_version_in_english(app, english_admin, tmp_path):
    with app.app_context():
        services.install(EVERY_CARD, "test", publish=True)
        db.session.commit()
    changed = copy_package(EVERY_CARD, tmp_path / "alle-korttyper")
    (changed / "intro.md").write_text("## Ny tekst\n", encoding="utf-8")
    older = copy_package(EVERY_CARD, tmp_path / "eldre", version="0.9")
    (older / "intro.md").write_text("## Eldre\n", encoding="utf-8")

    same_number = _report(english_admin, zip_folder(changed))
    lower_number = _report(english_admin, zip_folder(older))

    assert "version 1.0.0 is installed with other content; raise “version”" in same_number
    assert "version 0.9 is older than installed version 1.0.0; raise “version”" in lower_number


def test_the_command_reports_in_the_default_language(app):
    result = app.test_cli_runner().invoke(main, ["modules", "validate", str(BROKEN / "dobbel-kort-id")])
    assert result.exit_code == 1
    assert "module.yaml:10: kort-id «intro» er brukt før" in result.output
