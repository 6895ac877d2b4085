"""The overview above the unit: how the units under a service area or the municipality stand on
the competences required of their people, side by side, counted in SQL; and the month-by-month
figures the nightly job keeps for the trend. Counts of matrix cells (person × competence), so a
unit's figures are its matrix's cells counted by bucket; never who."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.competence.models import Competence, CompetenceCell, State
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, RoleAssignment, Unit
from lms.organisation.services import current_staff
from lms.reports.models import MonthFigures
from lms.reports.services import Cell, _competences

EXPIRING_DAYS = 90
MONTHS = 12


class Bucket(enum.IntEnum):
    """Where a cell stands: met (and valid beyond 90 days), met but expiring within 90 days,
    expired, missing. Met and expiring together are the share met."""

    MET = 0
    EXPIRING = 1
    EXPIRED = 2
    MISSING = 3

    @property
    def label(self) -> str:
        return str(BUCKET_LABELS[self])


BUCKET_LABELS = {
    Bucket.MET: _l("Oppfylt"),
    Bucket.EXPIRING: _l("Utløper innen 90 dager"),
    Bucket.EXPIRED: _l("Utløpt"),
    Bucket.MISSING: _l("Mangler"),
}


def bucket_of(cell: Cell, now: datetime) -> Bucket:
    """The bucket of one matrix cell (what ``_bucket`` works out in SQL)."""
    if cell.state in (State.MET, State.RENEWAL_DUE):
        soon = now + timedelta(days=EXPIRING_DAYS)
        if cell.valid_until is not None and cell.valid_until < soon:
            return Bucket.EXPIRING
        return Bucket.MET
    return Bucket.EXPIRED if cell.state is State.EXPIRED else Bucket.MISSING


@dataclass
class Figures:
    """Cells counted by bucket."""

    counts: list[int] = field(default_factory=lambda: [0] * len(Bucket))

    def __getitem__(self, bucket: Bucket) -> int:
        return self.counts[bucket]

    def add(self, bucket: Bucket, n: int = 1) -> None:
        self.counts[bucket] += n

    def __iadd__(self, other: Figures) -> Figures:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]
        return self

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def share_met(self) -> int:
        """Met, expiring or not, as a whole percentage of the cells (0 without cells)."""
        met = self.counts[Bucket.MET] + self.counts[Bucket.EXPIRING]
        return round(100 * met / self.total) if self.total else 0


@dataclass
class Line:
    """A unit beside its siblings: its people (``direct``: only those holding a role on the unit
    itself, not below it) and their cells per competence."""

    unit: Unit
    direct: bool
    figures: Figures = field(default_factory=Figures)
    by_competence: dict[int, Figures] = field(default_factory=dict)


@dataclass(frozen=True)
class Month:
    starts_on: date
    figures: Figures | None
    """None for a month the nightly job did not count."""


@dataclass
class Overview:
    unit: Unit
    lines: list[Line]
    competences: list[Competence]
    by_competence: dict[int, Figures]
    total: Figures
    trend: list[Month]


def _bucket(cells, now: datetime):
    soon = now + timedelta(days=EXPIRING_DAYS)
    state = cells.c.severity % 4
    valid = state.in_((int(State.MET), int(State.RENEWAL_DUE)))
    return sa.case(
        (sa.and_(valid, cells.c.valid_until < soon), int(Bucket.EXPIRING)),
        (valid, int(Bucket.MET)),
        (state == int(State.EXPIRED), int(Bucket.EXPIRED)),
        else_=int(Bucket.MISSING),
    ).label("bucket")


def _counted(branches, now: datetime) -> list[tuple[int, int, int, int]]:
    """(branch_id, competence_id, bucket, count) for the current staff, each counted in every
    branch ``branches`` (a selectable of person_id, branch_id) puts them in, from their kept cells
    (``lms.competence.cells``). One query; the people come first, so their cells are found by key."""
    cells = CompetenceCell.__table__
    bucket = _bucket(cells, now)
    query = (
        sa.select(branches.c.branch_id, cells.c.competence_id, bucket, sa.func.count())
        .select_from(branches)
        .join(Person, Person.id == branches.c.person_id)
        .join(cells, cells.c.person_id == branches.c.person_id)
        .where(*current_staff())
        .group_by(branches.c.branch_id, cells.c.competence_id, bucket)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _branches_of(unit: Unit, children: list[Unit]):
    """(person_id, branch_id): everyone in a child's subtree under the child, and those holding a
    role on ``unit`` itself under ``unit``."""
    tree = (
        sa.select(Unit.id.label("unit_id"), Unit.id.label("branch_id"))
        .where(Unit.id.in_([c.id for c in children]))
        .cte("branch_tree", recursive=True)
    )
    tree = tree.union_all(sa.select(Unit.id, tree.c.branch_id).where(Unit.parent_id == tree.c.unit_id))
    below = sa.select(RoleAssignment.person_id, tree.c.branch_id).join(
        tree, tree.c.unit_id == RoleAssignment.unit_id
    )
    direct = sa.select(RoleAssignment.person_id, sa.literal(unit.id).label("branch_id")).where(
        RoleAssignment.unit_id == unit.id
    )
    return sa.union(below, direct).subquery("branches")


def overview(unit: Unit, now: datetime | None = None) -> Overview:
    """The units right below ``unit`` side by side (and those holding a role on ``unit`` itself, as
    a line of its own), each counted as its own matrix would be; the totals are their sum. A
    fixed number of queries, whatever the number of units or people."""
    now = now or utcnow()
    children = list(
        db.session.scalars(sa.select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name))
    )
    lines = {c.id: Line(c, direct=False) for c in children}
    lines[unit.id] = Line(unit, direct=bool(children))
    by_competence: dict[int, Figures] = {}
    rows = _counted(_branches_of(unit, children), now)
    for branch_id, competence_id, bucket, n in rows:
        line = lines[branch_id]
        line.figures.add(Bucket(bucket), n)
        line.by_competence.setdefault(competence_id, Figures()).add(Bucket(bucket), n)
        by_competence.setdefault(competence_id, Figures()).add(Bucket(bucket), n)
    shown = [lines[c.id] for c in children]
    if not children or lines[unit.id].figures.total:
        shown.append(lines[unit.id])
    total = Figures()
    for line in shown:
        total += line.figures
    competences = _competences(by_competence)
    return Overview(unit, shown, competences, by_competence, total, trend(unit, total, now))


def _first_of_month(day: date, back: int = 0) -> date:
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def trend(unit: Unit, now_figures: Figures, now: datetime) -> list[Month]:
    """The last ``MONTHS`` months, oldest first, as the nightly job counted them; this month is
    the figures as they are now. One query."""
    today = now.date()
    first = _first_of_month(today, MONTHS - 1)
    rows = db.session.execute(
        sa.select(
            MonthFigures.month,
            sa.func.sum(MonthFigures.met),
            sa.func.sum(MonthFigures.expiring),
            sa.func.sum(MonthFigures.expired),
            sa.func.sum(MonthFigures.missing),
        )
        .where(MonthFigures.unit_id == unit.id, MonthFigures.month >= first)
        .group_by(MonthFigures.month)
    ).all()
    found = {month: Figures([int(n) for n in counts]) for month, *counts in rows}
    found[_first_of_month(today)] = now_figures
    months = [_first_of_month(today, back) for back in range(MONTHS - 1, -1, -1)]
    return [Month(m, found.get(m)) for m in months]


def record_month(now: datetime | None = None) -> int:
    """Count every unit's cells (its people and those below it) per competence, as this month's
    figures, replacing what an earlier night this month counted. The nightly job; one query to
    count, one to clear, one to write. Returns the rows written."""
    now = now or utcnow()
    month = _first_of_month(now.date())
    up = sa.select(Unit.id.label("unit_id"), Unit.id.label("branch_id")).cte(
        "unit_ancestors", recursive=True
    )
    up = up.union_all(
        sa.select(up.c.unit_id, Unit.parent_id)
        .join(Unit, Unit.id == up.c.branch_id)
        .where(Unit.parent_id.is_not(None))
    )
    branches = (
        sa.select(RoleAssignment.person_id, up.c.branch_id)
        .join(up, up.c.unit_id == RoleAssignment.unit_id)
        .distinct()
        .subquery("branches")
    )
    counted: dict[tuple[int, int], list[int]] = {}
    for unit_id, competence_id, bucket, n in _counted(branches, now):
        counted.setdefault((unit_id, competence_id), [0] * len(Bucket))[bucket] += n
    db.session.execute(sa.delete(MonthFigures).where(MonthFigures.month == month))
    if counted:
        db.session.execute(
            sa.insert(MonthFigures),
            [
                {
                    "month": month,
                    "unit_id": unit_id,
                    "competence_id": competence_id,
                    **dict(zip(("met", "expiring", "expired", "missing"), counts, strict=True)),
                }
                for (unit_id, competence_id), counts in counted.items()
            ],
        )
    db.session.flush()
    return len(counted)
