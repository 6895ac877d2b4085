"""What a person has got from a module, in the same words everywhere (``docs/group-runs.md``).

An attempt ends with a ``Verdict`` (stored in ``Attempt.outcome``); a person's ``Standing`` on a
module is what "Mine", the done page, the group run's phone and close screens and the managers'
report all show. Pure: no database, no clock.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Verdict(enum.StrEnum):
    """How a completed attempt ended."""

    PASSED = "passed"
    """Scored, and the score reached the module's pass mark."""
    FAILED = "failed"
    """Scored, and the score stayed under the pass mark."""
    COMPLETED = "completed"
    """Gone through, in a module where nothing is scored."""
    ATTENDED = "attended"
    """Took part in enough of a group run, but saw too little of the module to be judged on it."""

    @property
    def gives_completion(self) -> bool:
        """Whether the module counts as done: evidence, assignments, reports."""
        return self in (Verdict.PASSED, Verdict.COMPLETED)


DONE_OUTCOMES = (Verdict.PASSED.value, Verdict.COMPLETED.value)
"""``Attempt.outcome`` values that count as done (for queries)."""


def solo_verdict(passed: bool | None) -> Verdict:
    """The verdict of an attempt taken to the end: passed, failed, or completed when unscored."""
    if passed is None:
        return Verdict.COMPLETED
    return Verdict.PASSED if passed else Verdict.FAILED


class Standing(enum.StrEnum):
    """Where a person stands on a module: as their latest attempt left it, except that home and
    the managers' report keep a completion that counts (passed, or completed when unscored) over
    any attempt begun after it."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ATTENDED = "attended"
    FAILED = "failed"
    PASSED = "passed"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return str(LABELS[self])

    @property
    def done(self) -> bool:
        return self in (Standing.PASSED, Standing.COMPLETED)


LABELS = {
    Standing.NOT_STARTED: _l("Ikke startet"),
    Standing.IN_PROGRESS: _l("Påbegynt"),
    Standing.ATTENDED: _l("Deltatt"),
    Standing.FAILED: _l("Fullført, ikke bestått"),
    Standing.PASSED: _l("Bestått"),
    Standing.COMPLETED: _l("Fullført"),
}


def standing_from(verdict: Verdict | None) -> Standing:
    """What a group run's judgement (``lms.groups.judging``) makes of a person's standing: nothing
    leaves their attempt open, so they are still at "påbegynt"."""
    return Standing.IN_PROGRESS if verdict is None else Standing(verdict.value)


def standing_of(started: bool, outcome: str | None) -> Standing:
    """The standing that an attempt gives: ``outcome`` is its verdict (``Attempt.outcome``, or a
    group run's judgement), None while it is open."""
    if not started:
        return Standing.NOT_STARTED
    if outcome is None:
        return Standing.IN_PROGRESS
    return Standing(Verdict(outcome).value)
