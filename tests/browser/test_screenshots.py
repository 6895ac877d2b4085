"""``make screenshots`` keeps working: the script makes every picture, phone- and projector-sized."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import screenshots  # noqa: E402


def _size(png: Path) -> tuple[int, int]:
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


def test_the_screenshots_script_saves_every_picture(tmp_path, capsys):
    saved = screenshots.main(["--out", str(tmp_path)])
    assert [path.name for path in saved] == [f"{name}.png" for name in screenshots.SHOTS]
    printed = capsys.readouterr().out.split()
    assert printed == [str(path) for path in saved]
    widths = {path.stem: _size(path)[0] for path in saved}
    assert widths == {"home": 390, "card": 390, "feedback": 390, "done": 390, "presenter": 1280}
    assert all(_size(path)[1] >= 720 for path in saved)
