"""The modules shipped in ``modules/``: each validates, names at least two sources with a web
address, and has a facilitator guide. The review dates are judged against a fixed day, so the
suite does not start failing when the calendar passes them (``lms modules validate`` warns then)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.cli import main
from lms.content import library
from lms.plugins import package_folders

SHIPPED = Path(__file__).resolve().parents[2] / "modules"
FOLDERS = package_folders([SHIPPED])
A_DAY_BEFORE_EVERY_REVIEW = "2026-12-01"


def test_there_are_shipped_modules():
    assert len(FOLDERS) >= 9


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_a_shipped_module_has_sources_and_a_facilitator_guide(folder):
    module = library.parse(folder)
    assert module.id == folder.name
    governance = module.governance
    assert len(governance.sources) >= 2
    assert all(source.url.startswith("https://") for source in governance.sources)
    assert len({source.url for source in governance.sources}) == len(governance.sources)
    guide = governance.facilitator_guide["nb"].striptags()
    assert len(guide) >= 300, "a guide says how to run the module at a handover"
    assert governance.author and governance.responsible and governance.licence == "CC-BY-4.0"


def test_the_shipped_modules_validate_strictly(app):
    result = app.test_cli_runner().invoke(
        main, ["modules", "validate", str(SHIPPED), "--strict", "--today", A_DAY_BEFORE_EVERY_REVIEW]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("OK ") == len(FOLDERS)
