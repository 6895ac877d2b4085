"""``make screenshots`` keeps working: the script makes every picture, phone- and projector-sized.

The script runs as ``make screenshots`` does, in a process of its own: Playwright's synchronous API
refuses to start where another test's event loop is already running."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ("home", "card", "feedback", "done", "presenter")


def _size(png: Path) -> tuple[int, int]:
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def test_the_screenshots_script_saves_every_picture(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    saved = [tmp_path / f"{name}.png" for name in SHOTS]
    assert done.stdout.split() == [str(path) for path in saved]
    widths = {path.stem: _size(path)[0] for path in saved}
    assert widths == {"home": 390, "card": 390, "feedback": 390, "done": 390, "presenter": 1280}
    assert all(_size(path)[1] >= 720 for path in saved)
