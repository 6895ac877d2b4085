"""What a person gets from a group run: one pure function, ``judge``, over plain data.

The rule (``docs/group-runs.md``), judged on the cards the run actually showed:

- present for fewer than ``ATTENDED_PERCENT`` % of the cards shown: nothing (the attempt stays open,
  to be finished on one's own);
- otherwise the person *attended*, with a score over the scored cards they were present for (one
  they were present for and did not answer counts as wrong);
- they are *judged* (passed or failed on that score against the module's pass mark) only if they were
  present for at least ``ATTENDED_PERCENT`` % of the module's scored cards, so a run closed early or
  joined late gives neither a pass nor a fail on a few cards; in a module where nothing is scored,
  the same share of all its cards gives the completion.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from lms.learning.standing import Verdict

ATTENDED_PERCENT = 50
"""The share of the cards (shown; scored, for a pass) a person must have been present for."""


@dataclass(frozen=True)
class GroupResult:
    verdict: Verdict | None
    """None: present for too little of the run to get anything."""
    score: float | None
    """Share right of the scored cards the person was present for (of every scored card when
    ``of_every_question``); None if there were none."""
    present_for: int
    """Cards shown while the person was present."""
    shown: int
    """Cards the run showed."""
    of_every_question: bool = False
    """The score is the attempt's own over every scored card of the module, all of them answered
    (an attempt that ended with each one answered, say finished alone after leaving the run)."""

    @property
    def passed(self) -> bool | None:
        if self.verdict in (Verdict.PASSED, Verdict.FAILED):
            return self.verdict is Verdict.PASSED
        return None


def judge(
    *,
    card_count: int,
    scored: Collection[int],
    shown: Collection[int],
    present_for: Collection[int],
    scores: Mapping[int, float | None],
    pass_mark: int,
) -> GroupResult:
    """The result of one person in a run. Cards are given by index: ``scored`` the module's scored
    cards, ``shown`` those the run showed, ``present_for`` those shown while the person was present,
    ``scores`` the person's score per answered card."""
    shown_set = set(shown)
    present = set(present_for) & shown_set
    scored_seen = set(scored) & present
    score = (
        sum(scores.get(index) or 0.0 for index in scored_seen) / len(scored_seen)
        if scored_seen
        else None
    )
    result = GroupResult(None, score, len(present), len(shown_set))
    if not _enough(len(present), len(shown_set)):
        return result
    judged_on = set(scored) if scored else set(range(card_count))
    if not _enough(len(judged_on & present), len(judged_on)):
        return _with(result, Verdict.ATTENDED)
    if not scored:
        return _with(result, Verdict.COMPLETED)
    assert score is not None  # present for some scored cards, or _enough would have said no
    return _with(result, Verdict.PASSED if score * 100 >= pass_mark else Verdict.FAILED)


def _enough(part: int, whole: int) -> bool:
    return whole > 0 and part * 100 >= ATTENDED_PERCENT * whole


def _with(result: GroupResult, verdict: Verdict) -> GroupResult:
    return GroupResult(verdict, result.score, result.present_for, result.shown)
