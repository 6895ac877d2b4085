"""The one rule for spreadsheet cells: text that would start a formula is neutralised in CSV and a
string in XLSX; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from lms.core.spreadsheet import csv_writer, neutralise, restore, xlsx_value


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_text_that_would_start_a_formula_gets_a_quote_and_comes_back_without_it(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("value", ["Nils", "", "'quoted", "a=b", 7, 0, None])
def test_other_values_pass_unchanged_both_ways(value):
    assert neutralise(value) == value
    if isinstance(value, str):
        assert restore(value) == value


def test_negative_numbers_stay_numbers_in_csv():
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerows([["-3", -3, -2.5, "=A1"]])
    assert out.getvalue().strip() == "'-3;-3;-2.5;'=A1"
    assert next(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))[1] == "-3"


def test_an_xlsx_row_keeps_numbers_and_writes_every_text_as_a_string():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Ark")
    sheet.append([xlsx_value(sheet, v) for v in ["=1+1", "#REF!", "-5", -5, "Nils", "=A1"]])
    out = io.BytesIO()
    book.save(out)

    row = next(load_workbook(out)["Ark"].iter_rows())
    assert [(c.value, c.data_type) for c in row] == [
        ("=1+1", "s"),
        ("#REF!", "s"),
        ("-5", "s"),
        (-5, "n"),
        ("Nils", "s"),
        ("=A1", "s"),
    ]
