"""wrk, the HTTP load generator (Debian package ``wrk``, installed by ``scripts/ensure-wrk``), as the
client of a throughput benchmark: one run against one URL, its requests per second, every response
checked for the expected status by ``wrk.lua``.

A client written in Python tops out near the rate of the server it measures; wrk (C, epoll) does not,
so the figures are the server's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
STATUSES = re.compile(r"^expected status: (\d+); other: (\d+) ?(\d*)", re.MULTILINE)
SOCKET_ERRORS = re.compile(r"^\s*Socket errors: .*$", re.MULTILINE)


@dataclass(frozen=True)
class Load:
    """How wrk loads the server: ``threads`` client threads keeping ``connections`` connections
    open for ``seconds``."""

    seconds: int
    connections: int
    threads: int = 1


@dataclass(frozen=True)
class Answers:
    """POSTs that each store a new answer (see ``wrk.lua``): attempts ``first_attempt`` onwards,
    slots ``first_slot`` onwards, one JSON body per card with ``CLIENT_ID`` for the client id.
    Past the attempts prepared, the answers are 404: ``running_out`` says what to do then."""

    first_attempt: int
    first_slot: int
    bodies: tuple[str, ...]
    running_out: str


@dataclass(frozen=True)
class Run:
    requests_per_second: float
    matched: int
    """Responses with the expected status."""


def wrk_executable() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing: run scripts/ensure-wrk (it installs the Debian package)")
    return found


def hammer(
    url: str,
    load: Load,
    *,
    headers: dict[str, str] | None = None,
    status: int = 200,
    answers: Answers | None = None,
) -> Run:
    """One wrk run against ``url``; stops the benchmark if any response has another status."""
    command = [
        wrk_executable(),
        "--threads", str(load.threads),
        "--connections", str(load.connections),
        "--duration", f"{load.seconds}s",
        "--timeout", "10s",
        "--script", str(SCRIPT),
    ]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    command += [url, "--", str(status), str(load.threads)]
    if answers is not None:
        command += [str(answers.first_attempt), str(answers.first_slot), *answers.bodies]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=load.seconds + 60)
    rate, statuses = RATE.search(finished.stdout), STATUSES.search(finished.stdout)
    if finished.returncode != 0 or rate is None or statuses is None:
        raise SystemExit(f"wrk failed on {url}:\n{finished.stdout}{finished.stderr}")
    matched, other, seen = int(statuses[1]), int(statuses[2]), statuses[3]
    if other:
        ran_out = f": {answers.running_out}" if answers is not None and seen == "404" else ""
        raise SystemExit(
            f"{url}: {other} of {matched + other} responses had HTTP {seen}, not {status}{ran_out}"
        )
    errors = SOCKET_ERRORS.search(finished.stdout)
    if errors:
        raise SystemExit(f"{url}: {errors[0].strip()}")
    return Run(float(rate[1]), matched)
