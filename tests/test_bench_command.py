"""The command a bench prints is the one that repeats its run: parsed again, it gives the same
options, whatever their kind (a value, several values, an option given more than once, a flag)."""

from __future__ import annotations

import argparse
import shlex
import sys

import pytest

from bench.support.runs import ROOT, command_line


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--learners", type=int, nargs="+", default=[5, 20])
    parser.add_argument("--only", choices=("bundle", "answer", "start"), action="append")
    parser.add_argument("--database-url")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--smoke", action="store_true")
    return parser


@pytest.mark.parametrize(
    "given",
    [
        [],
        ["--only", "answer", "--only", "start"],
        ["--seconds", "2", "--learners", "1", "2", "3", "--quiet", "--only", "bundle"],
        ["--database-url", "postgresql+psycopg://postgres@127.0.0.1:5432/test"],
    ],
)
def test_the_printed_command_parses_to_the_same_options(monkeypatch, given):
    monkeypatch.setattr(sys, "argv", [str(ROOT / "bench" / "card_page.py"), *given])
    parser = _parser()
    first = parser.parse_args(given)
    words = shlex.split(command_line(parser, first))
    assert words[:2] == [".venv/bin/python", "bench/card_page.py"]
    assert parser.parse_args(words[2:]) == first
