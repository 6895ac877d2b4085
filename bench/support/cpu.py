"""The CPU time a server's worker processes have used, read from ``/proc``: the server's own work per
request, which other load on the machine changes far less than it changes requests per second (a
busy machine slows every request in wall time, not in the CPU each one costs)."""

from __future__ import annotations

import os
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def workers_cpu_seconds(master_pid: int) -> float:
    """User and system CPU seconds of the children of ``master_pid`` (gunicorn's workers) so far."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return sum(_cpu_seconds(int(pid)) for pid in children)


def _cpu_seconds(pid: int) -> float:
    # After the command's closing bracket: state is the first field, utime the 12th, stime the 13th.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND
