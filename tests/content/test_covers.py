"""Module covers: a package may name a cover illustration with its alt text; the illustration is
served with the module and shown where modules are listed, in the reader's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.content import library, services
from lms.content.problems import InvalidPackage
from lms.extensions import db
from tests.content.packages import EVERY_CARD, copy_package

SHIPPED = Path(__file__).resolve().parents[2] / "modules"
COVER = "cover:\n  src: media/pixel.png\n  alt:\n    nb: Et blått kvadrat\n    en: A blue square\n"


def _with_cover(tmp_path: Path, cover: str = COVER) -> Path:
    folder = copy_package(EVERY_CARD, tmp_path / "med-omslag", module_id="med-omslag")
    manifest = folder / "module.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("\ncards:\n", f"\n{cover}cards:\n", 1), encoding="utf-8")
    return folder


def test_a_cover_is_read_with_its_alt_text_and_kept_in_the_versions_manifest(tmp_path):
    module = library.parse(_with_cover(tmp_path))
    assert module.cover.src.endswith(f"/media/med-omslag/{module.content_hash}/media/pixel.png")
    assert module.cover.alt == {"nb": "Et blått kvadrat", "en": "A blue square"}
    assert module.manifest()["cover"] == {"src": module.cover.src, "alt": dict(module.cover.alt)}


def test_a_module_without_a_cover_has_none(tmp_path):
    module = library.parse(EVERY_CARD)
    assert module.cover is None and module.manifest()["cover"] is None


@pytest.mark.parametrize(
    ("cover", "message"),
    [
        ("cover:\n  src: media/pixel.png\n", "«alt» mangler"),
        ("cover:\n  src: media/finnes-ikke.png\n  alt: Bilde\n", "finnes ikke i pakken"),
        ("cover:\n  src: intro.md\n  alt: Bilde\n", "har feil filtype"),
        ("cover: media/pixel.png\n", "«cover» skal være et kart med src og alt"),
    ],
)
def test_a_cover_without_alt_text_or_a_picture_is_refused(tmp_path, cover, message):
    with pytest.raises(InvalidPackage) as raised:
        library.parse(_with_cover(tmp_path, cover))
    assert any(message in problem.message for problem in raised.value.problems)


def test_the_library_and_home_show_the_cover_with_its_alt_text_in_the_readers_language(
    app, tmp_path, make_client, org
):
    with app.app_context():
        services.install(_with_cover(tmp_path), "test", publish=True)
        db.session.commit()
    phone = make_client()
    phone.sign_in(org.nurse)
    library_page = phone.get("/modules").get_data(as_text=True)
    cover = re.search(r'<img class="cover" src="([^"]+)" alt="Et blått kvadrat"', library_page)
    assert cover is not None
    assert phone.get(cover[1]).status_code == 200
    assert 'alt="Et blått kvadrat"' in phone.get("/").get_data(as_text=True)
    english = phone.get("/modules", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'alt="A blue square"' in english


@pytest.mark.parametrize("folder", sorted(SHIPPED.glob("*/module.yaml")), ids=lambda p: p.parent.name)
def test_every_shipped_module_has_a_cover_with_alt_text_in_each_language(folder):
    module = library.parse(folder.parent)
    assert module.cover is not None
    assert module.cover.src.endswith(".svg")
    assert set(module.cover.alt) == {"nb", "nn", "en"}
