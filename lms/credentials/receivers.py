"""Credentials follow the evidence: when the competence requirement status is recomputed (new
evidence, a changed requirement, the nightly job), each requirement now met gets a credential; a
completed workshop series gets its own, and so does a passed module that one of the person's
units marks as credential-bearing (that needs only the attempt, so no ordering among receivers).
A series completion withdrawn takes back what rested on it alone."""

from __future__ import annotations

from flask import Flask

from lms import signals
from lms.credentials import issuing, modules


def connect(_app: Flask) -> None:
    signals.requirement_status_refreshed.connect(status_refreshed)
    signals.workshop_series_completed.connect(series_completed)
    signals.workshop_completion_withdrawn.connect(series_completion_withdrawn)
    signals.attempt_completed.connect(attempt_completed)


def status_refreshed(_sender, *, person_ids, **_kwargs) -> None:
    issuing.issue_for_met_requirements(person_ids)


def series_completed(_sender, *, participant, series, **_kwargs) -> None:
    issuing.issue_for_series(participant, series)


def series_completion_withdrawn(_sender, *, participant, series, **_kwargs) -> None:
    issuing.revoke_for_withdrawn_series(participant, series)


def attempt_completed(_sender, *, attempt, module, **_kwargs) -> None:
    modules.issue_for_attempt(attempt, module)
