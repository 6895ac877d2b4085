"""Completions become evidence: a module passed (or completed, when nothing in it is scored; not a
group run merely attended) and a workshop series completed (and a series completion withdrawn takes
its evidence back); and roles changed in bulk refresh the matrix's cells. Receivers run in the
event's transaction and only flush."""

from __future__ import annotations

from flask import Flask

from lms import signals
from lms.competence import cells, services
from lms.competence.models import EvidenceKind
from lms.learning.standing import Verdict


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.attempt_completed.connect(module_completed)
    signals.roles_changed.connect(roles_changed)
    series_completed = getattr(signals, "workshop_series_completed", None)
    if series_completed is not None:
        series_completed.connect(workshop_series_completed)
    completion_withdrawn = getattr(signals, "workshop_completion_withdrawn", None)
    if completion_withdrawn is not None:
        completion_withdrawn.connect(workshop_completion_withdrawn)


def module_completed(_sender, *, attempt, module, **_kwargs) -> None:
    if not Verdict(attempt.outcome).gives_completion:
        return
    services.record_declared(
        attempt.person_id,
        [(e.competence, e.level) for e in module.evidence],
        EvidenceKind.MODULE,
        source=f"module:{module.id}",
        achieved_at=attempt.completed_at,
    )


def roles_changed(_sender, *, person_ids, **_kwargs) -> None:
    cells.refresh_cells(person_ids)


def workshop_series_completed(_sender, *, participant, series, **_kwargs) -> None:
    """A series gives the evidence of the modules linked to it (a series declares none of its own)."""
    declared: dict[str, int] = {}
    for link in series.module_links:
        version = link.module.current_version
        for item in version.manifest.get("evidence", []) if version else []:
            declared[item["competence"]] = max(declared.get(item["competence"], 0), item["level"])
    services.record_declared(
        participant.person_id,
        declared.items(),
        EvidenceKind.WORKSHOP,
        source=f"workshop:{series.id}",
        achieved_at=participant.completed_at,
    )


def workshop_completion_withdrawn(_sender, *, participant, series, **_kwargs) -> None:
    """The completion no longer holds (attendance it rested on was withdrawn): nor does its evidence."""
    services.withdraw_evidence(participant.person_id, EvidenceKind.WORKSHOP, f"workshop:{series.id}")
