"""Draw Lærevakt's app icons as PNG (192 and 512 px) from the shapes of lms/static/icons/icon.svg:
a blue rounded square with a white L. Pure standard library, so no image library is needed; the
PNGs are committed, and this script remakes them after the drawing changes.

    .venv/bin/python scripts/make-icons.py
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "lms" / "static" / "icons"
BLUE = (11, 83, 148)
WHITE = (255, 255, 255)
GRID = 32
"""The SVG's viewBox is 32 x 32; the shapes below are in its units."""
RADIUS = 6
LETTER = ((9, 8, 13, 24), (9, 20, 23, 24))
"""The L as two rectangles (left, top, right, bottom)."""
SAMPLES = 4
"""Sub-pixel samples per side, for smooth edges."""


def inside_rounded_square(x: float, y: float) -> bool:
    nearest_x = min(max(x, RADIUS), GRID - RADIUS)
    nearest_y = min(max(y, RADIUS), GRID - RADIUS)
    return (x - nearest_x) ** 2 + (y - nearest_y) ** 2 <= RADIUS**2


def inside_letter(x: float, y: float) -> bool:
    return any(left <= x < right and top <= y < bottom for left, top, right, bottom in LETTER)


def pixel(column: int, row: int, size: int) -> tuple[int, int, int, int]:
    """The colour of one pixel, averaged over SAMPLES x SAMPLES points (RGBA)."""
    scale = GRID / size
    blue = white = 0
    for i in range(SAMPLES):
        for j in range(SAMPLES):
            x = (column + (i + 0.5) / SAMPLES) * scale
            y = (row + (j + 0.5) / SAMPLES) * scale
            if inside_rounded_square(x, y):
                if inside_letter(x, y):
                    white += 1
                else:
                    blue += 1
    covered = blue + white
    if not covered:
        return (0, 0, 0, 0)
    r, g, b = (round((blue * c1 + white * c2) / covered) for c1, c2 in zip(BLUE, WHITE, strict=True))
    return (r, g, b, round(255 * covered / SAMPLES**2))


def png(size: int) -> bytes:
    rows = b"".join(
        b"\x00" + bytes(channel for column in range(size) for channel in pixel(column, row, size))
        for row in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    for size in (192, 512):
        path = ICONS / f"icon-{size}.png"
        path.write_bytes(png(size))
        print(path)


if __name__ == "__main__":
    main()
