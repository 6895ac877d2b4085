"""The matrix and the audit list as CSV (semicolon-separated, UTF-8 with BOM, for Excel) and XLSX."""

from __future__ import annotations

import io
from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.styles import Font

from lms.competence.models import State
from lms.core.spreadsheet import csv_writer, xlsx_cell, xlsx_value
from lms.reports.services import Matrix


def matrix_table(
    m: Matrix, cell_text: Callable, title: Callable, headers: dict
) -> tuple[list[list], list[list]]:
    """The matrix as rows of plain values, and its summary (counts per competence and state)."""
    head = [headers["name"], headers["job_title"]] + [
        f"{c.competence.code} {title(c.competence.titles)}" for c in m.columns
    ]
    rows = [head]
    for row in m.rows:
        rows.append(
            [row.person.name, row.person.job_title_label]
            + [cell_text(row.cells.get(c.competence.id)) for c in m.columns]
        )
    summary = [[headers["competence"]] + [s.label for s in State]]
    for c in m.columns:
        summary.append(
            [f"{c.competence.code} {title(c.competence.titles)}"] + [c.counts[s] for s in State]
        )
    return rows, summary


def to_csv(rows: list[list]) -> bytes:
    """The rows as CSV for Excel, with text that would start a formula neutralised."""
    out = io.StringIO()
    writer = csv_writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    """A workbook with one sheet per (name, rows); the first row is a bold header, frozen. Text
    is always a string cell, never a formula."""
    book = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = book.create_sheet(name[:31])
        sheet.freeze_panes = "B2"
        header = []
        for value in rows[0]:
            cell = xlsx_cell(sheet, value)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows[1:]:
            sheet.append([xlsx_value(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
