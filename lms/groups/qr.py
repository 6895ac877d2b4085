"""Join codes and the QR code that links to them, made on the server (no script, no external
service)."""

from __future__ import annotations

import secrets

import segno

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
"""Capitals and digits that are hard to mistake for each other when read off a wall screen and
typed on a phone: no 0/O, 1/I/L, 2/Z, 5/S, 8/B."""
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise(text: str | None) -> str:
    """What a person typed, as a code: case, spaces and dashes ignored."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:16]


def svg_data_uri(url: str) -> str:
    """The QR code for ``url`` as an SVG ``data:`` URI (the CSP allows ``img-src data:``)."""
    return segno.make(url, error="m").svg_data_uri(scale=10, border=2, dark="#000", light="#fff")
