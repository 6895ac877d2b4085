"""Credentials follow the evidence: after a module or a workshop series has given evidence (the
competence receivers, connected earlier, have refreshed the requirement status), each requirement
now met gets a credential, and a completed series gets its own."""

from __future__ import annotations

from flask import Flask

from lms import signals
from lms.credentials import issuing
from lms.extensions import db
from lms.learning.standing import Verdict
from lms.organisation.models import Person


def connect(_app: Flask) -> None:
    signals.attempt_completed.connect(module_completed)
    signals.workshop_series_completed.connect(series_completed)


def module_completed(_sender, *, attempt, module, **_kwargs) -> None:
    if Verdict(attempt.outcome).gives_completion and module.evidence:
        issuing.issue_for_met_requirements(db.session.get(Person, attempt.person_id))


def series_completed(_sender, *, participant, series, **_kwargs) -> None:
    issuing.issue_for_series(participant, series)
    issuing.issue_for_met_requirements(db.session.get(Person, participant.person_id))
