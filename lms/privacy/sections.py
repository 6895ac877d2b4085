"""What feature packages hand back through the privacy signals (``lms.signals``)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Person


@dataclass(frozen=True)
class Section:
    """Part of what the platform holds about a person. ``key`` names it in the JSON export;
    ``title`` is shown on the page; ``records`` are plain dicts (values made JSON-able by
    ``plain``). ``order`` places it on the page (lower first)."""

    key: str
    title: str
    records: list[dict[str, Any]]
    order: int = 100


def plain(value: Any) -> Any:
    """``value`` with dates, times and enums as text, for JSON and for the page."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def record_of(row: object, *names: str, **extra: Any) -> dict[str, Any]:
    """The named attributes of ``row`` (and ``extra``) as a plain record."""
    return plain({**{name: getattr(row, name) for name in names}, **extra})


def owned(model: type, person: Person, order_by: Any = None) -> list:
    """The rows of ``model`` whose ``person_id`` is ``person``'s, by ``order_by`` (default: id)."""
    order = model.id if order_by is None else order_by
    return list(db.session.scalars(sa.select(model).where(model.person_id == person.id).order_by(order)))


def delete_owned(person: Person, *models: type) -> None:
    """Delete every row of ``models`` whose ``person_id`` is ``person``'s."""
    for model in models:
        db.session.execute(sa.delete(model).where(model.person_id == person.id))


@dataclass
class Erasure:
    """One person's erasure, handed to every ``person_erasing`` receiver."""

    person: Person
    label: str
    now: datetime
    needles: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, person: Person, label: str, now: datetime) -> Erasure:
        phone = person.phone or ""
        needles = [person.name, person.email or "", phone, phone.replace(" ", "")]
        return cls(
            person, label, now, sorted({n for n in needles if len(n) >= 3}, key=len, reverse=True)
        )

    def scrub(self, text: str) -> str:
        """``text`` with the person's name, e-mail address and phone number replaced by the label
        (case-insensitive)."""
        for needle in self.needles:
            text = re.sub(re.escape(needle), self.label, text, flags=re.IGNORECASE)
        return text

    def scrub_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {k: self.scrub_json(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub_json(v) for v in value]
        return value
