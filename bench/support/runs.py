"""What every benchmark does alike: its command line (with a tiny ``--smoke`` size), the command and
load average it prints, and how it sums up its rounds (DESIGN.md §6: median, spread, load average).

A smoke run (``--smoke``, or ``LMS_BENCH_SMOKE=1`` in the environment, as ``make bench-smoke`` sets)
replaces the sizes a script names with tiny ones: it proves the bench still runs end to end, and its
figures mean nothing.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SMOKE_VARIABLE = "LMS_BENCH_SMOKE"


def parse_arguments(parser: argparse.ArgumentParser, smoke: dict[str, Any]) -> argparse.Namespace:
    """Parse the command line, adding ``--smoke``; in a smoke run ``smoke`` overrides those options.
    Prints the command that repeats the run (every option spelled out) and the load average."""
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"a tiny run that checks the bench works (or {SMOKE_VARIABLE}=1)",
    )
    args = parser.parse_args()
    args.smoke = args.smoke or os.environ.get(SMOKE_VARIABLE, "") not in ("", "0")
    if args.smoke:
        for name, value in smoke.items():
            setattr(args, name, value)
    print(f"command: {command_line(parser, args)}")
    print(load_average(), flush=True)
    return args


def command_line(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """The command with every option's value written out, so the printed figures can be reproduced."""
    script = Path(sys.argv[0]).resolve()
    words = [
        ".venv/bin/python",
        str(script.relative_to(ROOT) if script.is_relative_to(ROOT) else script),
    ]
    for action in parser._actions:
        if not action.option_strings or action.dest in ("help", "smoke"):
            continue
        value = getattr(args, action.dest)
        flag = action.option_strings[-1]
        if isinstance(action, argparse._StoreTrueAction):
            words += [flag] if value else []
        elif value is None:
            continue
        elif isinstance(action, argparse._AppendAction):
            words += [word for item in value for word in (flag, str(item))]
        elif isinstance(value, list | tuple):
            words += [flag, *map(str, value)]
        else:
            words += [flag, str(value)]
    if args.smoke:
        words.append("--smoke")
    return shlex.join(words)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average: {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def spread(values: Sequence[float], unit: str = "", digits: int = 0) -> str:
    """``median 123 (min 110, max 130; 3 rounds)``: the median and the spread of the rounds."""
    unit = f" {unit}" if unit else ""
    median, low, high = statistics.median(values), min(values), max(values)
    return (
        f"median {median:.{digits}f}{unit} (min {low:.{digits}f}, max {high:.{digits}f}; "
        f"{len(values)} round{'s' if len(values) != 1 else ''})"
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value at or above ``fraction`` of the values."""
    ranked = sorted(values)
    return ranked[max(0, math.ceil(fraction * len(ranked)) - 1)]
