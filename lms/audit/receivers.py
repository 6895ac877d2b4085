"""Changes announced by signals that go to the audit log."""

from __future__ import annotations

from flask import Flask

from lms import signals
from lms.audit.services import record
from lms.organisation.models import Person


def connect(_app: Flask) -> None:
    """``Feature.connect``: the receivers answer every app (they are the app's own)."""
    signals.people_imported.connect(people_imported)


def people_imported(_app: Flask, created: list[Person], updated: list[Person], actor: Person) -> None:
    details = {"created": [p.id for p in created], "updated": [p.id for p in updated]}
    record(actor, "people.import", "", "", details)
