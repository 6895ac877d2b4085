"""``make screenshots`` keeps working: the script makes every picture, phone- and projector-sized,
with the lazily loaded images (home's module covers) in them.

The script runs as ``make screenshots`` does, in a process of its own: Playwright's synchronous API
refuses to start where another test's event loop is already running."""

from __future__ import annotations

import importlib.util
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ("home", "card", "feedback", "done", "presenter")
PIXEL = ROOT / "tests" / "fixtures" / "modules" / "alle-korttyper" / "media" / "pixel.png"
SITE = "http://bilder.test"


def _script():
    """scripts/screenshots.py as a module (scripts/ is no package)."""
    if "screenshots" not in sys.modules:
        path = ROOT / "scripts" / "screenshots.py"
        spec = importlib.util.spec_from_file_location("screenshots", path)
        sys.modules["screenshots"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["screenshots"])
    return sys.modules["screenshots"]


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


def _covers_page(page, image: str = "/cover.png") -> None:
    """A phone page like home: a screenful of text, then module covers loaded lazily."""
    covers = "".join(
        f'<p>Modul {n}</p><img src="{image}?{n}" alt="" width="160" height="90" loading="lazy">'
        for n in range(10)
    )
    html = f'<body><div style="height: 8000px">I dag</div>{covers}</body>'

    def answer(route):
        if route.request.url.startswith(f"{SITE}/cover.png"):
            route.fulfill(body=PIXEL.read_bytes(), content_type="image/png")
        elif route.request.url == f"{SITE}/":
            route.fulfill(body=html, content_type="text/html")
        else:
            route.fulfill(status=404)

    page.route(f"{SITE}/**", answer)
    page.goto(f"{SITE}/")


def _shown(page) -> list[bool]:
    return page.eval_on_selector_all(
        "img", "images => images.map(i => i.complete && i.naturalWidth > 0)"
    )


def test_the_covers_below_the_first_screen_are_in_the_picture(page):
    _covers_page(page)
    assert not all(_shown(page))  # as the page is opened: those far below not yet asked for
    _script()._load_images(page)
    assert _shown(page) == [True] * 10


def test_an_image_that_does_not_load_stops_the_script(page):
    _covers_page(page, image="/missing.png")
    with pytest.raises(SystemExit, match="images that did not load"):
        _script()._load_images(page)
