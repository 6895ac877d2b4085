"""The one CSV reader of the imports: encodings, separators, physical line numbers, clear problems."""

from __future__ import annotations

import io

import pytest

from lms.core.csv_reading import CsvProblem, decode, read_csv, sniff_separator
from lms.core.spreadsheet import csv_writer

TEXT = "navn;enhet\nBjørn Ødegård;Sjøgløtt\nÅse Ås;Ærfuglen\n"
MB = 1024 * 1024


def read_all(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    file = read_csv(data, MB)
    return file.header, [(record.line, record.cells) for record in file.records]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (TEXT.encode("utf-8-sig"), "UTF-8"),
        (TEXT.encode("utf-16"), "UTF-16"),
        (TEXT.encode("utf-16-le"), "UTF-16"),
        (TEXT.encode("utf-16-be"), "UTF-16"),
        (TEXT.encode("cp1252"), "Windows-1252"),
    ],
)
def test_every_encoding_excel_writes_reads_as_the_same_text(data, encoding):
    header, records = read_all(data)
    assert header == ["navn", "enhet"]
    assert records == [(2, ["Bjørn Ødegård", "Sjøgløtt"]), (3, ["Åse Ås", "Ærfuglen"])]
    assert read_csv(data, MB).description == f"{encoding}, semikolon"


def test_a_utf8_file_with_one_windows_1252_line_is_refused_naming_that_line():
    data = TEXT.encode("utf-8") + "Kåre;Bø\n".encode("cp1252")
    with pytest.raises(CsvProblem) as raised:
        decode(data)
    assert raised.value.line == 4
    assert raised.value.message.startswith("teksten er ikke gyldig UTF-8, så tegn som æ, ø og å")


def test_a_byte_windows_1252_has_no_character_for_is_refused_naming_its_line():
    data = "navn\nBjørn\n".encode("cp1252") + b"Kar\x81i\n"
    with pytest.raises(CsvProblem) as raised:
        decode(data)
    assert raised.value.line == 3
    assert "ikke gyldig Windows-1252" in raised.value.message


def test_a_broken_utf16_file_names_the_line():
    lone_surrogate = b"\x00\xd8"
    data = "navn\nBjørn\n".encode("utf-16") + lone_surrogate + "Kari\n".encode("utf-16-le")
    with pytest.raises(CsvProblem) as raised:
        decode(data)
    assert raised.value.line == 3
    assert "ikke gyldig UTF-16" in raised.value.message


@pytest.mark.parametrize("data", [b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", b"\x00\x00\x01"])
def test_binary_files_are_not_csv(data):
    with pytest.raises(CsvProblem) as raised:
        read_csv(data, MB)
    assert raised.value.message.startswith("Filen ser ikke ut som en CSV-fil.")
    assert raised.value.line is None


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n", b";;\n ; ;\n"])
def test_empty_files_are_named(data):
    with pytest.raises(CsvProblem, match=r"Filen er tom\."):
        read_csv(data, MB)


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(CsvProblem, match=r"Filen er større enn 1 MB\."):
        read_csv(b"a" * (MB + 1), MB)


@pytest.mark.parametrize(
    ("header", "separator"),
    [
        ("navn;e-post;enhet;rolle", ";"),
        ("name,email,unit,role", ","),
        ("navn\te-post\tenhet\trolle", "\t"),
        ('"Sjøgløtt, 2. etasje";navn;rolle', ";"),
        ("navn", ","),
    ],
)
def test_the_separator_is_the_one_the_header_has_most_of(header, separator):
    assert sniff_separator(header) == separator


def test_records_carry_the_physical_line_they_start_on_and_blank_ones_are_left_out():
    data = b'a,b\r\n\r\n"Kari\r\nNordmann",x\r\n,\r\n\r\nOla,y\r\n'
    assert read_all(data)[1] == [(3, ["Kari\r\nNordmann", "x"]), (7, ["Ola", "y"])]


def test_an_unclosed_quote_is_named_on_the_line_it_opens():
    file = read_csv(b'a;b\nKari;x\n"Ola;y\nPer;z\n', MB)
    assert next(file.records).line == 2
    with pytest.raises(CsvProblem) as raised:
        next(file.records)
    assert (raised.value.line, raised.value.message) == (
        3,
        "linjen kan ikke leses som CSV. Sjekk anførselstegnene.",
    )


def test_what_the_exports_write_reads_back_unchanged():
    out = io.StringIO()
    csv_writer(out, delimiter=";").writerows([["navn", "telefon"], ["=Kari", "+47 912 34 567"]])
    assert out.getvalue().startswith("navn;telefon\r\n'=Kari;'+47 912 34 567")
    assert read_all(out.getvalue().encode("cp1252"))[1] == [(2, ["=Kari", "+47 912 34 567"])]
