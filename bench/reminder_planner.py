"""The reminder planner for many people: 5,000 and 50,000 people with eight weeks of shifts each.

Prints the time to plan everyone (the pure planner only: no database) and the growth from 5,000 to
50,000 people, which should be close to 10x (linear). Run: ``.venv/bin/python bench/reminder_planner.py``
(``--people 5000 50000`` to choose the sizes, ``--rounds 3`` the rounds of each, interleaved).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time as wall
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support.runs import load_average, parse_arguments, spread
from lms.reminders import planner
from lms.shifts.working_time import Shift, shift_kind

OSLO = ZoneInfo("Europe/Oslo")
FIRST_MONDAY = date(2026, 3, 16)  # eight weeks across the spring clock change
WEEKS = 8
CODES = {
    "D": (time(7, 30), time(15, 30)),
    "E": (time(15, 0), time(22, 30)),
    "N": (time(21, 30), time(7, 30)),
    "L": (time(8, 0), time(20, 0)),
}
ROTATION = ["DDD--LL", "EE-NNN-", "--DEE--", "DD--ELL", "NNN--DD", "E--DD--"]


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=OSLO).astimezone(UTC)


def shifts_for(person: int) -> list[Shift]:
    """Eight weeks of a six-week three-part rotation, each person starting at another week."""
    made = []
    for week in range(WEEKS):
        pattern = ROTATION[(week + person) % len(ROTATION)]
        for weekday, code in enumerate(pattern):
            if code == "-":
                continue
            day = FIRST_MONDAY + timedelta(days=7 * week + weekday)
            start, end = CODES[code]
            end_day = day + timedelta(days=1) if end <= start else day
            starts, ends = local(day, start), local(end_day, end)
            made.append(Shift(starts, ends, shift_kind(starts, ends, OSLO)))
    return made


def people(count: int):
    now = local(FIRST_MONDAY, time(0))
    templates = [shifts_for(n) for n in range(len(ROTATION))]
    for n in range(count):
        items = [
            planner.Item(
                f"a:{n}:m{k}:x",
                opens=now - timedelta(days=k),
                due=FIRST_MONDAY + timedelta(days=9 + 11 * k),
            )
            for k in range(3)
        ]
        sent = [planner.Sent(f"a:{n}:m2:x:opens", now - timedelta(days=3))] if n % 3 == 0 else []
        yield templates[n % len(templates)], items, sent


def run(count: int) -> tuple[float, int]:
    now = local(FIRST_MONDAY, time(0))
    prefs, policy = planner.Preferences(), planner.Policy()
    data = list(people(count))
    # The input (all people's shifts and items) is made before timing and frozen out of the garbage
    # collector, which would otherwise walk it again and again while planning: the figure is the
    # planner's cost, not the collector's over the benchmark's own data.
    gc.collect()
    gc.freeze()
    started = wall.perf_counter()
    planned = 0
    for shifts, items, sent in data:
        planned += len(
            planner.plan(now, shifts, prefs, policy, items, sent, horizon=timedelta(weeks=WEEKS))
        )
    elapsed = wall.perf_counter() - started
    gc.unfreeze()
    return elapsed, planned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parse_arguments(parser, smoke={"people": [50, 100], "rounds": 2})
    seconds: dict[int, list[float]] = {count: [] for count in args.people}
    planned: dict[int, int] = {}
    for _ in range(args.rounds):
        for count in args.people:
            elapsed, planned[count] = run(count)
            seconds[count].append(elapsed)
    for count in args.people:
        per_person = [s / count * 1e6 for s in seconds[count]]
        print(
            f"{count:>7,} people, {WEEKS} weeks of shifts: {spread(seconds[count], 's', digits=2)}; "
            f"median {statistics.median(per_person):.0f} µs per person, "
            f"{planned[count]:,} reminders planned"
        )
    if len(args.people) >= 2:
        small, large = args.people[0], args.people[-1]
        growth = statistics.median(seconds[large]) / statistics.median(seconds[small])
        print(
            f"growth from {small:,} to {large:,} people (medians): "
            f"{growth:.1f}x time for {large / small:.0f}x people"
        )
    print(load_average())


if __name__ == "__main__":
    main()
