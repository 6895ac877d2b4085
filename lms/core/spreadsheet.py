"""Cells for spreadsheets that never run as formulas (CSV injection, OWASP).

Names, titles and descriptions come from people (an admin, a people CSV, the HR API), and exports are
opened in Excel or LibreOffice by someone else. A CSV cell that begins with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is read there as a formula (``=HYPERLINK(...)`` sends data away), so every
CSV export writes its rows through :func:`csv_writer`, which prefixes such text cells with a single
quote: the spreadsheet shows the text, and the quote tells a reader that it was neutralised. Numbers
are not text and pass unchanged, so a negative count stays a number.

XLSX has real cell types, so there nothing is prefixed: :func:`xlsx_value` makes every text a string
cell (openpyxl on its own turns a text that begins with ``=`` into a formula and ``#N/A`` into an
error).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value: Any) -> Any:
    """``value`` with a quote in front if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """The text :func:`neutralise` was given, for importers that read our own exports back."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class _NeutralisingWriter:
    """A ``csv.writer`` whose every cell goes through :func:`neutralise`."""

    def __init__(self, out: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], **fmtparams: Any) -> _NeutralisingWriter:
    """The writer every CSV export uses (same arguments as ``csv.writer``)."""
    return _NeutralisingWriter(out, **fmtparams)


def xlsx_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """``value`` as a write-only sheet takes it, never as a formula or an error cell.

    Only the texts openpyxl would not store as strings get a cell of their own (typed ``s``); the rest
    pass as plain values, which keeps the export as fast as before.
    """
    if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
        return xlsx_cell(sheet, value)
    return value


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Cell:
    """A cell of its own for ``value`` (to style, say), a text always typed as a string."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
