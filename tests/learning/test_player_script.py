"""The player's script is an ES module in parts (lms/static/js/player.js and player/): the service
worker must keep every part, or the player does not run without network."""

from __future__ import annotations

import re

from lms.learning.views import STATIC_JS


def test_the_service_worker_keeps_every_part_of_the_player_and_only_those():
    service_worker = (STATIC_JS / "sw.js").read_text(encoding="utf-8")
    listed = set(re.findall(r'"(\w+)"', re.search(r"PLAYER_PARTS = \[(.*?)\]", service_worker).group(1)))
    scripts = [STATIC_JS / "player.js", *sorted((STATIC_JS / "player").glob("*.js"))]
    imported = {
        name
        for script in scripts
        for name in re.findall(r'from "\./(?:player/)?(\w+)\.js";', script.read_text())
    }

    assert "static/js/player.js" in service_worker
    assert listed == {path.stem for path in scripts[1:]}
    assert imported == listed
