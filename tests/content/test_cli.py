"""``lms modules list`` and ``lms modules sync`` (``validate`` is tested with the broken fixtures)."""

from __future__ import annotations

import re

import pytest

from lms.cli import main
from lms.content import services
from lms.content.models import VersionStatus
from lms.extensions import db
from tests.content.packages import BROKEN, EVERY_CARD, copy_package, versions_of


def _run(app, *args):
    return app.test_cli_runner().invoke(main, args=["modules", *args])


@pytest.fixture
def module_folder(app, tmp_path, monkeypatch):
    """A configured module folder holding a good package and a broken one."""
    folder = tmp_path / "moduler"
    folder.mkdir()
    copy_package(EVERY_CARD, folder / "alle-korttyper")
    copy_package(BROKEN / "ugyldig-yaml", folder / "ugyldig-yaml")
    monkeypatch.setitem(app.config, "MODULE_PATHS", [folder])
    return folder


def test_sync_installs_and_publishes_and_reports_the_bad_package(app, module_folder):
    result = _run(app, "sync")
    assert result.exit_code == 1
    good, bad = module_folder / "alle-korttyper", module_folder / "ugyldig-yaml"
    assert f"installed  alle-korttyper 1.0.0  {good}" in result.output
    assert f"invalid    {bad}\n  module.yaml:4: ugyldig YAML" in result.output
    assert "2 packages: 1 installed, 0 unchanged, 1 invalid." in result.output
    with app.app_context():
        version = services.current_version("alle-korttyper")
        assert version.status is VersionStatus.PUBLISHED and version.source == str(good)
        assert versions_of("ugyldig-yaml") == []


def test_a_second_sync_changes_nothing(app, module_folder):
    _run(app, "sync")
    result = _run(app, "sync")
    assert f"unchanged  alle-korttyper 1.0.0  {module_folder / 'alle-korttyper'}" in result.output
    assert "2 packages: 0 installed, 1 unchanged, 1 invalid." in result.output
    with app.app_context():
        assert len(versions_of("alle-korttyper")) == 1


def test_sync_publishes_a_new_version_and_exits_0_when_all_is_well(app, tmp_path, monkeypatch):
    folder = tmp_path / "moduler"
    copy_package(EVERY_CARD, folder / "alle-korttyper")
    monkeypatch.setitem(app.config, "MODULE_PATHS", [folder])
    assert _run(app, "sync").exit_code == 0
    manifest = folder / "alle-korttyper" / "module.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace("1.0.0", "1.0.1", 1), "utf-8")
    result = _run(app, "sync")
    assert result.exit_code == 0, result.output
    assert "installed  alle-korttyper 1.0.1" in result.output
    with app.app_context():
        assert services.current_version("alle-korttyper").version == "1.0.1"
        statuses = {v.version: v.status for v in versions_of("alle-korttyper")}
    assert statuses == {"1.0.0": VersionStatus.RETIRED, "1.0.1": VersionStatus.PUBLISHED}


def test_sync_refuses_changed_content_under_the_same_version(app, tmp_path, monkeypatch):
    folder = tmp_path / "moduler"
    copy_package(EVERY_CARD, folder / "alle-korttyper")
    monkeypatch.setitem(app.config, "MODULE_PATHS", [folder])
    _run(app, "sync")
    (folder / "alle-korttyper" / "intro.md").write_text("## Endret\n", encoding="utf-8")
    result = _run(app, "sync")
    assert result.exit_code == 1
    assert "module.yaml:1: versjon 1.0.0 er installert med annet innhold" in result.output


def test_list_shows_installed_modules_and_the_folders(app, module_folder, tmp_path):
    before = _run(app, "list")
    assert before.exit_code == 0, before.output
    assert "No modules are installed." in before.output
    assert re.search(
        rf"{module_folder / 'alle-korttyper'}  alle-korttyper 1\.0\.0  not installed", before.output
    )
    assert f"{module_folder / 'ugyldig-yaml'}  invalid (1 problem)" in before.output

    _run(app, "sync")
    draft = copy_package(EVERY_CARD, tmp_path / "utkast", version="1.1.0")
    (draft / "intro.md").write_text("## Utkast\n", encoding="utf-8")
    with app.app_context():
        services.install(draft, "upload:utkast.zip", publish=False)
        db.session.commit()
    after = _run(app, "list")
    assert after.exit_code == 0, after.output
    assert f"  alle-korttyper  1.0.0  published  {module_folder / 'alle-korttyper'}" in after.output
    assert re.search(
        rf"{module_folder / 'alle-korttyper'}  alle-korttyper 1\.0\.0  installed", after.output
    )


def test_list_shows_a_module_with_only_a_draft(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MODULE_PATHS", [])
    package = copy_package(EVERY_CARD, tmp_path / "kladd", module_id="bare-utkast")
    with app.app_context():
        services.install(package, "upload:kladd.zip", publish=False)
        db.session.commit()
    result = _run(app, "list")
    assert "  bare-utkast  1.0.0  draft  upload:kladd.zip" in result.output
    assert "No package folders in the configured paths." in result.output


def test_the_group_documents_its_commands(app):
    result = _run(app, "--help")
    assert result.exit_code == 0
    for command in ("list", "validate", "sync"):
        assert re.search(rf"^\s+{command}\s", result.output, re.M)
