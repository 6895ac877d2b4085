"""Reading an uploaded CSV file: the one place that decodes, finds the separator and numbers lines.

The reading side of :mod:`lms.core.spreadsheet`. Every CSV import (people, rosters, competence
frameworks) goes through :func:`read_csv` and then checks the cells in its own terms.

- **Encoding.** UTF-8 with or without BOM; UTF-16 with BOM (or without one, recognised by its zero
  bytes); else Windows-1252, which is what Norwegian Excel writes. A file is read as Windows-1252 only
  when it holds no UTF-8 character at all: a UTF-8 file with one broken line is refused with that line
  named, so æøå are never silently turned into something else.
- **Separator.** Comma, semicolon (Norwegian Excel) or tab: whichever the header line has most of.
- **Lines.** Each record carries the physical line of the file it starts on (the header is line 1),
  also when a quoted cell holds line breaks. Records whose cells are all blank are left out.
- **Cells** are given back as :func:`lms.core.spreadsheet.restore` reads them, so a file exported by
  Lærevakt (text that would start a formula has a quote in front) imports back unchanged.

Problems are raised as :class:`CsvProblem` with a message an importer can show as it is: a whole
sentence when it concerns the file, a lower-case clause when it names a line (importers put
«Linje N:» in front in their own style).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.core.spreadsheet import restore

SEPARATORS = {",": _l("komma"), ";": _l("semikolon"), "\t": _l("tabulator")}
"""The separators accepted, with the name a message gives each."""

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
    "cp1252": "Windows-1252",
}

_UTF8_CHARACTER = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
"""A character of more than one byte in UTF-8; a Windows-1252 file practically never holds one."""


class CsvProblem(Exception):
    """Why the file cannot be read: ``message``, and the ``line`` it concerns (None: the file)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Record:
    """One record of the file: the physical line it starts on, and its cells."""

    line: int
    cells: list[str]


@dataclass
class CsvFile:
    """A file that decoded and has a header: the header cells, how it was read, and its records.

    ``records`` is read as it is iterated and raises :class:`CsvProblem` at a line that cannot be read
    as CSV (an unclosed quote, say); everything before it has been given.
    """

    header: list[str]
    encoding: str
    separator: str
    records: Iterator[Record]

    @property
    def description(self) -> str:
        """How the file was read, for messages: «UTF-8, semikolon»."""
        return f"{ENCODING_NAMES[self.encoding]}, {SEPARATORS[self.separator]}"


def read_csv(data: bytes, max_bytes: int) -> CsvFile:
    """The file in ``data`` read up to its header line; raises :class:`CsvProblem` if it cannot be."""
    if len(data) > max_bytes:
        raise CsvProblem(
            _(
                "Filen er større enn %(size)s MB. Del den opp i flere filer og prøv igjen.",
                size=max_bytes // 1024 // 1024,
            )
        )
    text, encoding = decode(data)
    if not text.strip():
        raise CsvProblem(_("Filen er tom."))
    separator = sniff_separator(next(line for line in text.splitlines() if line.strip()))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records = _records(reader)
    header = next(records, None)
    if header is None:
        raise CsvProblem(_("Filen er tom."))
    return CsvFile(header=header.cells, encoding=encoding, separator=separator, records=records)


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the codec it was read with; raises :class:`CsvProblem` if it is not
    text or not valid in the encoding it is written in."""
    encoding = _encoding_of(data)
    try:
        return codecs.decode(data, encoding), encoding
    except UnicodeDecodeError as error:
        line = _line_of_byte(data, error.start, encoding)
        name = ENCODING_NAMES[encoding]
        raise CsvProblem(
            _(
                "teksten er ikke gyldig %(encoding)s, så tegn som æ, ø og å kan ikke leses sikkert. "
                "Lagre filen på nytt som CSV (UTF-8) og prøv igjen.",
                encoding=name,
            ),
            line=line,
        ) from None


def _encoding_of(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data:
        return _utf16_without_bom(data)
    if data.isascii() or _UTF8_CHARACTER.search(data):
        return "utf-8"
    return "cp1252"


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 when the zero bytes all fall on one side of each pair (as for Latin text); else the
    file is not text."""
    even, odd = data[0::2], data[1::2]
    if len(data) % 2 == 0:
        if even.count(0) == 0 and odd.count(0) * 2 >= len(odd):
            return "utf-16-le"
        if odd.count(0) == 0 and even.count(0) * 2 >= len(even):
            return "utf-16-be"
    raise CsvProblem(
        _(
            "Filen ser ikke ut som en CSV-fil. Lagre regnearket som CSV (semikolon- eller "
            "kommaseparert) og prøv igjen."
        )
    )


def _line_of_byte(data: bytes, offset: int, encoding: str) -> int:
    """The line (from 1) the byte at ``offset`` is on."""
    if encoding.startswith("utf-16"):
        before = codecs.decode(data[: offset - offset % 2], encoding, errors="replace")
        return before.count("\n") + 1
    return data.count(b"\n", 0, offset) + 1


def sniff_separator(header_line: str) -> str:
    """Comma, semicolon or tab: whichever ``header_line`` has most of (comma if it has none)."""
    counts = {separator: header_line.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _records(reader) -> Iterator[Record]:
    """The records of ``reader`` that are not blank, each with the line it starts on."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise CsvProblem(
                _("linjen kan ikke leses som CSV. Sjekk anførselstegnene."), line=line
            ) from None
        if any(cell.strip() for cell in cells):
            yield Record(line=line, cells=[restore(cell) for cell in cells])
