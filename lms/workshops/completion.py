"""When a series is complete for a person: a pure function over plain data, tested without a database.

A person completes a series once they have attended the required number of its sessions: the share
(percent) of the sessions, rounded to the nearest whole session. The ABC groups count attendance in
whole meetings: "80 %" of four meetings means three (a strict 3.2 would demand all four and leave no
room for a single missed evening shift). The sessions counted are those that make up the series: every
planned session while it runs, and the sessions actually held once it is closed
(``services.close_series``).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable


def required_sessions(session_count: int, share: int) -> int:
    """How many of ``session_count`` sessions make ``share`` percent: rounded half up to a whole
    session, at least one. 80 % of 4 is 3; of 5, 4; of 6 (4.8), 5; 50 % of 5 (2.5), 3."""
    if session_count <= 0:
        return 0
    return max(1, min(session_count, math.floor(session_count * share / 100 + 0.5)))


def has_completed(sessions: Collection[int], attended: Iterable[int], share: int) -> bool:
    """Whether attending the sessions ``attended`` completes a series made of ``sessions`` (ids)."""
    if not sessions:
        return False
    present = len(set(attended) & set(sessions))
    return present >= required_sessions(len(sessions), share)
