"""Newcomers get their programme when they join a unit; completions and workshop series tick their
items (and a series completion withdrawn takes its tick back). Receivers run in the event's
transaction and only flush."""

from __future__ import annotations

from flask import Flask

from lms import signals
from lms.introduction import services
from lms.learning.standing import Verdict


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.people_joined_units.connect(people_joined)
    signals.attempt_completed.connect(module_completed)
    signals.workshop_series_completed.connect(series_completed)
    signals.workshop_completion_withdrawn.connect(series_completion_withdrawn)


def people_joined(_sender, *, joined, **_kwargs) -> None:
    services.enrol_joiners(joined)


def module_completed(_sender, *, attempt, **_kwargs) -> None:
    """A module passed, or completed where nothing is scored (``Verdict.gives_completion``)."""
    if Verdict(attempt.outcome).gives_completion:
        services.tick_done(attempt.person_id, module_id=attempt.module_id)


def series_completed(_sender, *, participant, series, **_kwargs) -> None:
    services.tick_done(participant.person_id, series_id=series.id)


def series_completion_withdrawn(_sender, *, participant, series, **_kwargs) -> None:
    services.untick_series(participant.person_id, series.id)
