"""The one-page "kursbevis": an A4 PDF written directly (Helvetica, WinAnsi text, the QR code of
the verification page drawn as squares), so no PDF library is needed for one page of text."""

from __future__ import annotations

import segno

PAGE_WIDTH, PAGE_HEIGHT = 595, 842
MARGIN = 56


def _text(value: str) -> str:
    raw = value.encode("cp1252", errors="replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def _content(heading: str, rows: list[tuple[str, str]], verify_url: str) -> bytes:
    ops = ["BT", f"/F2 24 Tf {MARGIN} {PAGE_HEIGHT - 90} Td ({_text(heading)}) Tj", "ET"]
    y = PAGE_HEIGHT - 140
    for label, value in rows:
        ops += ["BT", f"/F2 10 Tf {MARGIN} {y} Td ({_text(label)}) Tj", "ET"]
        y -= 15
        for line in _wrap(value, 85)[:6]:
            ops += ["BT", f"/F1 12 Tf {MARGIN} {y} Td ({_text(line)}) Tj", "ET"]
            y -= 16
        y -= 8
    ops += _qr(verify_url, MARGIN, max(y - 170, 110), 160)
    ops += ["BT", f"/F1 9 Tf {MARGIN} 90 Td ({_text(verify_url)}) Tj", "ET"]
    return "\n".join(ops).encode("latin-1")


def _qr(url: str, x: int, y: int, size: int) -> list[str]:
    matrix = segno.make(url, error="m").matrix
    cell = size / len(matrix)
    ops = ["0 g"]
    for row_number, row in enumerate(matrix):
        for column, dark in enumerate(row):
            if dark:
                top = y + size - (row_number + 1) * cell
                ops.append(f"{x + column * cell:.2f} {top:.2f} {cell:.2f} {cell:.2f} re")
    ops.append("f")
    return ops


def kursbevis(heading: str, rows: list[tuple[str, str]], verify_url: str) -> bytes:
    """A one-page PDF: ``heading``, labelled ``rows`` and the QR code of ``verify_url``."""
    content = _content(heading, rows, verify_url)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
        "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe6\xf8\xe5\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
