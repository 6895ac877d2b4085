"""Module packages in Nynorsk: ``nn`` text beside ``nb`` in any text or Markdown field, read by a
Nynorsk reader, with Bokmål for a field that has no Nynorsk and a word on the module page when the
module is not wholly in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.content import library
from lms.content.localised import pick
from lms.content.problems import InvalidPackage
from lms.content.services import install
from lms.extensions import db
from lms.organisation.models import Person
from tests.content.packages import GOVERNANCE

SHIPPED = Path(__file__).resolve().parents[2] / "modules"

MANIFEST = """\
id: nynorsk-test
version: 1.0.0
title:
  nb: Håndhygiene
  nn: Handhygiene
summary: Før og etter hver bruker.
minutes: 2
cards:
  - id: intro
    type: text
    body:
      nb: intro.md
      nn: intro.nn.md
  - id: sant
    type: true_false
    question:
      nb: Hansker erstatter håndvask.
      nn: Hanskar erstattar handvask.
    answer: false
"""


def _package(folder: Path, manifest: str = MANIFEST) -> Path:
    folder.mkdir()
    (folder / "module.yaml").write_text(manifest + GOVERNANCE, encoding="utf-8")
    (folder / "intro.md").write_text("Vask hendene **før** du går inn.\n", encoding="utf-8")
    (folder / "intro.nn.md").write_text(
        "Vask hendene **før** du går inn til brukaren.\n", encoding="utf-8"
    )
    return folder


def test_a_package_carries_nynorsk_beside_bokmal_in_text_and_markdown(tmp_path):
    module = library.parse(_package(tmp_path / "pakke"))
    intro, statement = module.cards
    assert pick(module.title, "nn") == "Handhygiene"
    assert "til brukaren" in pick(intro.data["body"], "nn")
    assert "til brukaren" not in pick(intro.data["body"], "nb")
    assert "Hanskar erstattar handvask." in pick(statement.data["question"], "nn")


def test_a_field_without_nynorsk_falls_back_to_bokmal_and_the_module_is_not_wholly_nynorsk(tmp_path):
    module = library.parse(_package(tmp_path / "pakke"))
    assert pick(module.summary, "nn") == "Før og etter hver bruker."
    assert module.languages == {"nb"}

    whole = MANIFEST.replace(
        "summary: Før og etter hver bruker.", "summary:\n  nb: Før og etter.\n  nn: Før og etter."
    )
    assert library.parse(_package(tmp_path / "heil", whole)).languages == {"nb", "nn"}


def test_a_language_we_do_not_have_is_still_refused(tmp_path):
    swedish = MANIFEST.replace("  nn: Handhygiene", "  sv: Handhygien")
    with pytest.raises(InvalidPackage) as raised:
        library.parse(_package(tmp_path / "svensk", swedish))
    assert [p.message for p in raised.value.problems] == ["«title» har ukjent språk sv"]


IN_NYNORSK = {
    "avvik-og-apen-meldekultur",
    "dokumentasjon-i-journalen",
    "endring-i-egen-enhet",
    "ernaering-og-underernaering",
    "forebygge-fall",
    "forebygge-trykksar",
    "forflytning",
    "forste-uke-som-ny",
    "gjenkjenne-phishing",
    "gronn-praksis",
    "hlr-og-forstehjelp",
    "innfore-ny-rutine-eller-teknologi",
    "lede-en-refleksjonsgruppe",
    "legemiddelhandtering",
    "oppdage-forverret-tilstand",
    "personsentrert-demensomsorg",
    "rapport-ved-vaktskifte",
    "samtykke-og-tvang",
    "smittevern-og-handhygiene",
    "taushetsplikt-digitalt",
    "tor-a-trykke",
    "trygg-innlogging",
    "veilede-bruker-og-parorende",
    "velferdsteknologi-i-hverdagen",
    "vold-og-trusler",
}
"""The shipped modules written in Nynorsk throughout."""


def test_every_shipped_module_has_a_nynorsk_title_and_summary_and_these_are_nynorsk_throughout():
    modules = {folder.name: library.parse(folder) for folder in SHIPPED.iterdir() if folder.is_dir()}
    untitled = [name for name, m in modules.items() if not (m.title.get("nn") and m.summary.get("nn"))]
    assert untitled == []
    assert {name for name, module in modules.items() if "nn" in module.languages} >= IN_NYNORSK


@pytest.fixture
def nynorsk_nurse(app, org, make_client, fixture_module):
    with app.app_context():
        install(SHIPPED / "tor-a-trykke", "test", publish=True)
        db.session.get(Person, org.nurse.id).locale = "nn"
        db.session.commit()
    reader = make_client()
    reader.sign_in(org.nurse)
    return reader, fixture_module, "tor-a-trykke"


NOT_IN_NYNORSK = "Denne modulen finst ikkje på nynorsk enno, så han blir vist på bokmål."


def test_the_module_page_says_when_a_module_is_not_in_nynorsk(nynorsk_nurse):
    reader, bokmal_only, nynorsk = nynorsk_nurse
    assert NOT_IN_NYNORSK in reader.get(f"/learn/{bokmal_only}").get_data(as_text=True)
    page = reader.get(f"/learn/{nynorsk}").get_data(as_text=True)
    assert NOT_IN_NYNORSK not in page
    assert "Tør å trykke – lær eit nytt system trygt" in page


def test_a_bokmal_reader_is_never_told(client, org, fixture_module):
    client.sign_in(org.nurse)
    page = client.get(f"/learn/{fixture_module}").get_data(as_text=True)
    assert "Denne modulen finnes ikke" not in page
