"""A baked badge: a PNG with the signed credential in an ``iTXt`` chunk whose keyword is
``openbadgecredential`` (Open Badges 3.0, *Baking*). The image is the QR code of the public
verification page, so a printed badge still leads to the check."""

from __future__ import annotations

import io
import struct
import zlib

import segno

KEYWORD = b"openbadgecredential"
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def badge_png(verify_url: str) -> bytes:
    out = io.BytesIO()
    segno.make(verify_url, error="m").save(out, kind="png", scale=8, border=3)
    return out.getvalue()


def bake(png: bytes, token: str) -> bytes:
    """``png`` with the credential in an uncompressed ``iTXt`` chunk just before ``IEND``."""
    if not png.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    data = KEYWORD + b"\x00" + b"\x00\x00" + b"\x00" + b"\x00" + token.encode()
    end = png.rindex(b"IEND") - 4
    return png[:end] + _chunk(b"iTXt", data) + png[end:]


def unbake(png: bytes) -> str | None:
    """The credential baked into ``png``, if any."""
    if not png.startswith(SIGNATURE):
        return None
    position = len(SIGNATURE)
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"iTXt" and data.startswith(KEYWORD + b"\x00"):
            return _itxt_text(data[len(KEYWORD) + 1 :])
        position += 12 + length
    return None


def _itxt_text(after_keyword: bytes) -> str:
    """The text of an iTXt chunk, given what follows its keyword: compression flag and method,
    language tag, translated keyword, then the text (inflated when the flag says so)."""
    compressed = after_keyword[0] == 1
    _language, _nul, rest = after_keyword[2:].partition(b"\x00")
    _translated, _nul, text = rest.partition(b"\x00")
    return (zlib.decompress(text) if compressed else text).decode()
