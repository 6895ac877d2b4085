"""Installing the test plugin the way pip would, without touching ``lms/``: a ``dist-info`` folder
with the plugin's entry points, on ``sys.path`` next to the plugin's own code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lms.plugins import card_types

PLUGIN_CODE = Path(__file__).parent
"""The folder holding ``lms_test_plugin``."""

CARD_TYPES = "[lms.card_types]\nnumber_guess = lms_test_plugin.cards:NumberGuessCard\n"
MODULE_PACKS = "[lms.modules]\ntest-pack = lms_test_plugin.pack:folder\n"


@pytest.fixture
def install_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """``install_plugin(entry_points_txt)`` makes the plugin's distribution visible to
    ``importlib.metadata``; the card type registry is cleared before and after."""

    def install(entry_points: str) -> Path:
        site = tmp_path / "site-packages"
        dist_info = site / "lms_test_plugin-0.1.dist-info"
        dist_info.mkdir(parents=True)
        (dist_info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: lms-test-plugin\nVersion: 0.1\n", encoding="utf-8"
        )
        (dist_info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
        monkeypatch.syspath_prepend(str(PLUGIN_CODE))
        monkeypatch.syspath_prepend(str(site))
        card_types.cache_clear()
        return site

    card_types.cache_clear()
    yield install
    card_types.cache_clear()
