"""The overview above the unit: how the units under a service area or the municipality stand on
the competences required of their people, side by side, counted in SQL; and the month-by-month
figures the nightly job keeps for the trend. Counts of matrix cells (person × competence), so a
unit's figures are its matrix's cells counted by bucket; never who."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.competence.models import Competence, CompetenceCell, State
from lms.core.time import local_today
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
    """Each person × competence once, however many lines hold the person."""
    trend: list[Month]

    @property
    def lines_overlap(self) -> bool:
        """Whether someone is in more than one line, so the lines add up to more than the total."""
        return sum(line.figures.total for line in self.lines) > self.total.total


def _bucket(cells, now: datetime):
    """What ``bucket_of`` works out, in SQL, with as little as can be done per cell: an expired or
    missing state is its own bucket (the same numbers), and a met one is expiring when its
    validity ends within 90 days."""
    state = cells.c.severity % 4
    return sa.case(
        (state >= int(State.EXPIRED), state),
        (cells.c.valid_until < now + timedelta(days=EXPIRING_DAYS), int(Bucket.EXPIRING)),
        else_=int(Bucket.MET),
    ).label("bucket")


class Counted(NamedTuple):
    """The cells of one branch on one competence in one bucket: all of them (``cells``), and
    those of the people counted first in this branch (``once``). Summed over branches, ``cells``
    counts a person in every branch that holds them and ``once`` counts them once."""

    branch_id: int
    competence_id: int
    bucket: Bucket
    cells: int
    once: int


def _counted(branches, now: datetime) -> list[Counted]:
    """The current staff's kept cells (``lms.competence.cells``) counted in every branch
    ``branches`` (a selectable of distinct person_id, branch_id) puts them in, and each person
    also once, in the first of their branches (the lowest id). One query; the people come first,
    so their cells are found by key (``Person.id`` rather than ``branches.c.person_id``, so
    PostgreSQL estimates the join from the people's statistics and hashes the people, not the
    cells)."""
    first = sa.func.min(branches.c.branch_id).over(partition_by=Person.id)
    placed = (
        sa.select(
            Person.id.label("person_id"),
            branches.c.branch_id,
            sa.case((branches.c.branch_id == first, 1), else_=0).label("first"),
        )
        .join(Person, Person.id == branches.c.person_id)
        .where(*current_staff())
        .subquery("placed")
    )
    cells = CompetenceCell.__table__
    bucket = _bucket(cells, now)
    query = (
        sa.select(
            placed.c.branch_id,
            cells.c.competence_id,
            bucket,
            sa.func.count(),
            sa.func.sum(placed.c.first),
        )
        .select_from(placed)
        .join(cells, cells.c.person_id == placed.c.person_id)
        .group_by(placed.c.branch_id, cells.c.competence_id, bucket)
    )
    return [
        Counted(branch_id, competence_id, Bucket(b), n, int(once))
        for branch_id, competence_id, b, n, once in db.session.execute(query)
    ]


def _subtrees(roots: list[int] | None):
    """(unit_id, branch_id): each unit of ``roots`` (every unit, with None) and every unit below
    it, under the root's id."""
    tree = sa.select(Unit.id.label("unit_id"), Unit.id.label("branch_id"))
    if roots is not None:
        tree = tree.where(Unit.id.in_(roots))
    tree = tree.cte("branch_tree", recursive=True)
    return tree.union_all(sa.select(Unit.id, tree.c.branch_id).where(Unit.parent_id == tree.c.unit_id))


def _members(tree) -> sa.Select:
    """(person_id, branch_id): everyone holding a role on a unit of ``tree`` (``_subtrees``),
    under its branch; once per role."""
    return sa.select(RoleAssignment.person_id, tree.c.branch_id).join(
        tree, tree.c.unit_id == RoleAssignment.unit_id
    )


def _branches_of(unit: Unit, children: list[Unit]):
    """(person_id, branch_id): everyone in a child's subtree under the child, and those holding a
    role on ``unit`` itself under ``unit``. Together, everyone ``record_month`` counts for
    ``unit``."""
    direct = sa.select(RoleAssignment.person_id, sa.literal(unit.id).label("branch_id")).where(
        RoleAssignment.unit_id == unit.id
    )
    return sa.union(_members(_subtrees([c.id for c in children])), direct).subquery("branches")


def overview(unit: Unit, now: datetime | None = None) -> Overview:
    """The units right below ``unit`` side by side (and those holding a role on ``unit`` itself, as
    a line of its own), each counted as its own matrix would be. A person in two lines (a nurse in
    two wards) counts in both; the totals, overall and per competence, count each person once, as
    ``unit``'s own matrix and the nightly job (``record_month``) do, so the lines may add up to more
    than the total. A fixed number of queries, whatever the number of units or people."""
    now = now or utcnow()
    children = list(
        db.session.scalars(sa.select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name))
    )
    lines = {c.id: Line(c, direct=False) for c in children}
    lines[unit.id] = Line(unit, direct=bool(children))
    by_competence: dict[int, Figures] = {}
    total = Figures()
    for row in _counted(_branches_of(unit, children), now):
        line = lines[row.branch_id]
        line.figures.add(row.bucket, row.cells)
        line.by_competence.setdefault(row.competence_id, Figures()).add(row.bucket, row.cells)
        by_competence.setdefault(row.competence_id, Figures()).add(row.bucket, row.once)
        total.add(row.bucket, row.once)
    shown = [lines[c.id] for c in children]
    if not children or lines[unit.id].figures.total:
        shown.append(lines[unit.id])
    competences = _competences(by_competence)
    return Overview(unit, shown, competences, by_competence, total, trend(unit, total, now))


def _first_of_month(day: date, back: int = 0) -> date:
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def trend(unit: Unit, now_figures: Figures, now: datetime) -> list[Month]:
    """The last ``MONTHS`` months, oldest first, as the nightly job counted them; this month is
    the figures as they are now. One query."""
    today = local_today(now)
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
    month = _first_of_month(local_today(now))
    branches = _members(_subtrees(None)).distinct().subquery("branches")
    counted: dict[tuple[int, int], list[int]] = {}
    for row in _counted(branches, now):
        counts = counted.setdefault((row.branch_id, row.competence_id), [0] * len(Bucket))
        counts[row.bucket] += row.cells
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
