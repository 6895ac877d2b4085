"""The matrix, the audit list and the overview as CSV (semicolon-separated, UTF-8 with BOM, for
Excel) and XLSX. The matrix's exports are streamed: rows are made page by page of people and
written as they come, so memory stays flat however many people there are."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable, Iterator

from openpyxl import Workbook
from openpyxl.styles import Font

from lms.competence.models import State
from lms.core.spreadsheet import csv_writer, xlsx_cell, xlsx_value
from lms.reports.services import Matrix

CHUNK = 64 * 1024


class MatrixTable:
    """The matrix as rows of plain values, page after page of people (``pages``, all with the
    same columns); then its summary, counts per competence and state over the rows written."""

    def __init__(
        self, pages: Iterable[Matrix], cell_text: Callable, title: Callable, headers: dict
    ) -> None:
        self.pages = iter(pages)
        self.cell_text = cell_text
        self.title = title
        self.headers = headers
        self.counts: dict[int, dict[State, int]] = {}
        self.columns: list = []

    def rows(self) -> Iterator[list]:
        first = next(self.pages)
        self.columns = [c.competence for c in first.columns]
        self.counts = {c.id: dict.fromkeys(State, 0) for c in self.columns}
        yield [self.headers["name"], self.headers["job_title"]] + [
            f"{c.code} {self.title(c.titles)}" for c in self.columns
        ]
        for page in _chain(first, self.pages):
            for column in page.columns:
                for state, n in column.counts.items():
                    self.counts[column.competence.id][state] += n
            for row in page.rows:
                yield [row.person.name, row.person.job_title_label] + [
                    self.cell_text(row.cells.get(c.id)) for c in self.columns
                ]

    def summary(self) -> Iterator[list]:
        """Read after ``rows``: the counts it gathered."""
        yield [self.headers["competence"]] + [s.label for s in State]
        for c in self.columns:
            yield [f"{c.code} {self.title(c.titles)}"] + [self.counts[c.id][s] for s in State]


def _chain(first: Matrix, rest: Iterator[Matrix]) -> Iterator[Matrix]:
    yield first
    yield from rest


def csv_chunks(rows: Iterable[list]) -> Iterator[bytes]:
    """The rows as CSV for Excel, with text that would start a formula neutralised, in chunks."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
        if out.tell() >= CHUNK:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def to_csv(rows: list[list]) -> bytes:
    """The rows as CSV for Excel, with text that would start a formula neutralised."""
    return b"".join(csv_chunks(rows))


def xlsx_chunks(sheets: list[tuple[str, Iterable[list]]]) -> Iterator[bytes]:
    """A workbook with one sheet per (name, rows), written to a temporary file row by row (openpyxl's
    write-only mode) and read back in chunks; the first row is a bold header, frozen. Text is
    always a string cell, never a formula. A sheet's rows are read only once the sheets before it
    are written."""
    book = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = book.create_sheet(name[:31])
        sheet.freeze_panes = "B2"
        rows = iter(rows)
        header = []
        for value in next(rows):
            cell = xlsx_cell(sheet, value)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([xlsx_value(sheet, value) for value in row])
    with tempfile.TemporaryFile() as out:
        book.save(out)
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk


def to_xlsx(sheets: list[tuple[str, Iterable[list]]]) -> bytes:
    return b"".join(xlsx_chunks(sheets))
