"""Module packages for the tests: the fixtures, copies to change, zips of them, and checks that
nothing of a refused package was installed."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import sqlalchemy as sa

from lms.content import library
from lms.content.models import LearningModule, ModuleVersion
from lms.extensions import db

FIXTURES = Path(__file__).parent.parent / "fixtures"
MODULES = FIXTURES / "modules"
BROKEN = FIXTURES / "broken"
EVERY_CARD = MODULES / "alle-korttyper"
GOVERNANCE = (
    "author: Lærevakt-redaksjonen\n"
    "responsible: Fagansvarlig sykepleier\n"
    "review_date: 2027-12-01\n"
    "licence: CC-BY-4.0\n"
    "sources:\n"
    "  - title: Helsepersonelloven\n"
    "    url: https://lovdata.no/dokument/NL/lov/1999-07-02-64\n"
    "    read: 2026-12-01\n"
    "facilitator_guide: Snakk sammen om kortene.\n"
)
"""The governance fields every package needs, to append to a test's manifest (after its cards, so
the lines the test names stay where they are)."""


def copy_package(
    source: Path, target: Path, *, module_id: str | None = None, version: str | None = None
) -> Path:
    """A copy of the package in ``source`` at ``target``, with another id or version if given."""
    shutil.copytree(source, target)
    manifest = target / "module.yaml"
    text = manifest.read_text(encoding="utf-8")
    if module_id is not None:
        text = text.replace(f"id: {source.name}\n", f"id: {module_id}\n", 1)
    if version is not None:
        lines = text.splitlines(keepends=True)
        lines = [f"version: {version}\n" if line.startswith("version:") else line for line in lines]
        text = "".join(lines)
    manifest.write_text(text, encoding="utf-8")
    return target


def zip_bytes(members: dict[str, bytes | str], symlinks: dict[str, str] | None = None) -> bytes:
    """A zip of ``members`` (name to content) and ``symlinks`` (name to link target)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix, where the mode bits say what the member is
            info.external_attr = 0o120777 << 16  # a symbolic link
            archive.writestr(info, target)
    return buffer.getvalue()


def folder_members(folder: Path, prefix: str = "") -> dict[str, bytes]:
    return {
        prefix + path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def zip_folder(folder: Path, prefix: str = "") -> bytes:
    """The package in ``folder`` as a zip; ``prefix`` (e.g. ``"pakke/"``) puts it in a folder."""
    return zip_bytes(folder_members(folder, prefix))


def versions_of(module_id: str) -> list[ModuleVersion]:
    return list(db.session.scalars(sa.select(ModuleVersion).filter_by(module_id=module_id)))


def assert_nothing_installed(module_id: str) -> None:
    """No module, no version row, and no storage folder. Call inside an app context."""
    assert db.session.get(LearningModule, module_id) is None
    assert versions_of(module_id) == []
    assert not (library.storage_root() / module_id).exists()


SVG = "http://www.w3.org/2000/svg"
SAFE_SVG = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="{SVG}" viewBox="0 0 100 50">\n'
    "  <style>rect { stroke: #1e6b34; }</style>\n"
    '  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>\n'
    '  <rect width="100" height="50" fill="url(#g)"/>\n'
    '  <use href="#g"/>\n'
    "</svg>\n"
)
SVG_MANIFEST = (
    "id: bilde-svg\nversion: 1.0.0\ntitle: Bilde\nsummary: S\nminutes: 2\n"
    "cards:\n"
    "  - id: hender\n"
    "    type: image\n"
    "    src: media/hender.svg\n"
    "    alt: To hender under rennende vann\n"
    "    caption: Vask i minst 30 sekunder\n"
    "    long_description: |\n"
    "      **Steg 1:** Våt hendene.\n"
    "      Se [veilederen](https://www.fhi.no/) og [ikke denne](javascript:alert(1)).\n"
) + GOVERNANCE


def svg_package(folder: Path, svg: str = SAFE_SVG, manifest: str = SVG_MANIFEST) -> Path:
    """A package with one image card showing ``svg`` (module id ``bilde-svg``)."""
    (folder / "media").mkdir(parents=True)
    (folder / "media" / "hender.svg").write_text(svg, encoding="utf-8")
    (folder / "module.yaml").write_text(manifest, encoding="utf-8")
    return folder
