"""What a manager's pages show, aggregated in SQL over the units in scope: completion per
assignment, completions per week, the competence matrix and the audit list. Each function runs a
fixed number of queries, whatever the number of people. Nothing here reads answers, reflections,
scores, attempt counts or sign-in times."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.assignments.models import Assignment
from lms.assignments.services import completed_on, cycle_of, start_dates
from lms.competence.models import Competence, CompetenceCell, Framework, Requirement, Scale, State
from lms.content.models import LearningModule
from lms.core.time import local_zone, start_of_local_day
from lms.extensions import db
from lms.learning.models import Attempt
from lms.learning.standing import DONE_OUTCOMES, Standing, standing_of
from lms.organisation.models import Person, RoleAssignment, Unit
from lms.organisation.services import current_staff


def members(unit_ids: Iterable[int]):
    """A subquery of the ids of everyone holding a role in these units."""
    return sa.select(RoleAssignment.person_id).where(RoleAssignment.unit_id.in_(list(unit_ids)))


# Completion per assignment ------------------------------------------------------------------------


@dataclass
class AssignmentCompletion:
    assignment: Assignment
    """People counted by ``Standing`` (``lms.learning.standing``): done (passed, or completed when
    unscored), failed, attended (a group run without a pass), in progress, not started."""

    done: int = 0
    failed: int = 0
    attended: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    done_before: int = 0
    """Of those not done: how many did an earlier round of a recurring assignment (their
    completion outlived by the new round), so that "Ikke startet" does not read as never taken."""

    @property
    def total(self) -> int:
        return self.done + self.failed + self.attended + self.in_progress + self.not_started

    @property
    def share_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def completion(unit_ids: Iterable[int], today: date) -> list[AssignmentCompletion]:
    """Each assignment reaching people in these units: how many of them are done, in progress, not
    started, and overdue, each person on their own cycle (``lms.assignments.cycle``): someone who
    did a recurring module a year ago and is past their next due date is overdue again."""
    scope = list(unit_ids)
    tree = (
        sa.select(Assignment.id.label("assignment_id"), Assignment.unit_id.label("unit_id"))
        .where(Assignment.unit_id.is_not(None))
        .cte("assignment_units", recursive=True)
    )
    tree = tree.union_all(
        sa.select(tree.c.assignment_id, Unit.id).where(Unit.parent_id == tree.c.unit_id)
    )
    via_unit = (
        sa.select(Assignment.id.label("aid"), RoleAssignment.person_id.label("pid"))
        .join(tree, tree.c.assignment_id == Assignment.id)
        .join(
            RoleAssignment,
            sa.and_(
                RoleAssignment.unit_id == tree.c.unit_id,
                sa.or_(Assignment.role.is_(None), RoleAssignment.role == Assignment.role),
            ),
        )
        .where(RoleAssignment.unit_id.in_(scope))
    )
    direct = sa.select(Assignment.id, Assignment.person_id).where(
        Assignment.person_id.in_(members(scope))
    )
    pairs = db.session.execute(sa.union(via_unit, direct)).all()
    done = completed_on(members(scope))
    starts = start_dates(members(scope))
    latest = _latest_attempts(members(scope))
    assignments = db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.id.in_({aid for aid, _pid in pairs}))
        .options(
            selectinload(Assignment.module).selectinload(LearningModule.current_version),
            selectinload(Assignment.unit),
            selectinload(Assignment.person),
        )
    )
    result = {a.id: AssignmentCompletion(a) for a in assignments}
    for aid, pid in pairs:
        item = result[aid]
        state = cycle_of(item.assignment, pid, done, starts)
        if state.done(today):
            item.done += 1
            continue
        item.done_before += state.last_done is not None
        began, outcome = latest.get((pid, item.assignment.module_id), (None, None))
        since_done = began is not None and (state.last_done is None or began > state.last_done)
        standing = standing_of(since_done, outcome)
        if standing is Standing.FAILED:
            item.failed += 1
        elif standing is Standing.ATTENDED:
            item.attended += 1
        elif standing is Standing.IN_PROGRESS:
            item.in_progress += 1
        else:
            item.not_started += 1
        item.overdue += state.overdue(today)
    return sorted(result.values(), key=lambda i: (i.assignment.due_on, i.assignment.id))


def _latest_attempts(person_ids: sa.Select) -> dict[tuple[int, str], tuple[date, str | None]]:
    """Each person's latest attempt at each module, by ``(person_id, module_id)``: the local date it
    started and its outcome (None while open). One query."""
    latest = (
        sa.select(
            Attempt.person_id,
            Attempt.module_id,
            Attempt.started_at,
            Attempt.outcome,
            sa.func.row_number()
            .over(
                partition_by=(Attempt.person_id, Attempt.module_id),
                order_by=(Attempt.started_at.desc(), Attempt.id.desc()),
            )
            .label("newest"),
        )
        .where(Attempt.person_id.in_(person_ids))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(latest.c.person_id, latest.c.module_id, latest.c.started_at, latest.c.outcome).where(
            latest.c.newest == 1
        )
    )
    zone = local_zone()
    return {
        (pid, mid): (started.astimezone(zone).date(), outcome) for pid, mid, started, outcome in rows
    }


# Completions per week -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    starts_on: date
    completions: int


def weekly_completions(unit_ids: Iterable[int], today: date, weeks: int = 12) -> list[Week]:
    """Modules completed (passed, or completed when unscored) by people in these units, per week
    (Monday to Sunday in the installation's zone) for the last ``weeks`` weeks, oldest first.

    The weeks' boundaries are local midnights, worked out here as UTC instants (a week across a
    clock change is an hour shorter or longer) and bucketed in SQL by a CASE over them."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    bounds = [start_of_local_day(first + timedelta(weeks=n)) for n in range(weeks + 1)]
    completed = Attempt.completed_at
    week = sa.case(*((completed < bounds[n + 1], n) for n in range(weeks))).label("week")
    rows = db.session.execute(
        sa.select(week, sa.func.count())
        .where(
            Attempt.person_id.in_(members(unit_ids)),
            completed >= bounds[0],
            completed < bounds[-1],
            Attempt.outcome.in_(DONE_OUTCOMES),
        )
        .group_by(week)
    ).all()
    counts = {int(n): count for n, count in rows}
    return [Week(first + timedelta(weeks=n), counts.get(n, 0)) for n in range(weeks)]


# The competence matrix ----------------------------------------------------------------------------


class Cell(NamedTuple):
    """One person's standing on one competence; a tuple, as a matrix holds tens of thousands."""

    state: State
    mandatory: bool
    level: int | None
    required: int
    since: datetime | None
    valid_until: datetime | None


@dataclass
class Column:
    competence: Competence
    counts: dict[State, int] = field(default_factory=lambda: dict.fromkeys(State, 0))


@dataclass
class MatrixRow:
    person: Person
    cells: dict[int, Cell]

    def worst(self) -> State | None:
        return max((c.state for c in self.cells.values()), default=None)


@dataclass
class Matrix:
    """People × competences; with ``per_page``, one page of the people matching the filters
    (``total`` of them in all) and the columns of every competence required of any of them."""

    columns: list[Column]
    rows: list[MatrixRow]
    total: int = 0
    page: int = 1
    per_page: int | None = None

    def cell(self, row: MatrixRow, column: Column) -> Cell | None:
        return row.cells.get(column.competence.id)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page)) if self.per_page else 1

    @property
    def first(self) -> int:
        """The position of the page's first person among all matching, from 1."""
        return (self.page - 1) * (self.per_page or 0) + 1


def _cells(
    unit_ids: Iterable[int],
    where: list,
    competence_id: int | None = None,
    person_ids: list[int] | None = None,
):
    """The cell query: (person_id, competence_id, severity, level, required, since, valid_until)
    for everyone matching ``where`` (conditions on ``Person``), one row per person and competence,
    read from the kept cells (``lms.competence.cells``: severity is the state, plus 4 when a
    mandatory requirement is behind it). With ``person_ids`` (members of the units), only theirs."""
    people = sa.select(Person.id).where(
        Person.id.in_(members(unit_ids) if person_ids is None else person_ids), *where
    )
    cell = CompetenceCell
    query = sa.select(
        cell.person_id,
        cell.competence_id,
        cell.severity,
        cell.level,
        cell.required,
        cell.since,
        cell.valid_until,
    ).where(cell.person_id.in_(people))
    if competence_id is not None:
        query = query.where(cell.competence_id == competence_id)
    return query


def _people_filter(unit_ids: Iterable[int], search: str = "", job_title: str | None = None) -> list:
    where = [Person.id.in_(members(unit_ids)), *current_staff()]
    if search.strip():
        where.append(Person.name.icontains(search.strip(), autoescape=True))
    if job_title:
        where.append(Person.job_title == job_title)
    return where


def _competences(ids: Iterable[int]) -> list[Competence]:
    return list(
        db.session.scalars(
            sa.select(Competence)
            .join(Framework)
            .where(Competence.id.in_(list(ids)))
            .options(
                selectinload(Competence.framework)
                .selectinload(Framework.scale)
                .selectinload(Scale.levels)
            )
            .order_by(Framework.idnumber, Competence.position)
        )
    )


def summary(unit_ids: Iterable[int]) -> list[Column]:
    """Per competence required in these units, how many people are in each state; counted in SQL."""
    cells = _cells(unit_ids, _people_filter(unit_ids)).subquery("cells")
    state = (cells.c.severity % 4).label("state")
    rows = db.session.execute(
        sa.select(cells.c.competence_id, state, sa.func.count()).group_by(cells.c.competence_id, state)
    ).all()
    columns = {c.id: Column(c) for c in _competences({row[0] for row in rows})}
    for competence_id, value, n in rows:
        columns[competence_id].counts[State(int(value))] += n
    return list(columns.values())


def matrix(
    unit_ids: Iterable[int],
    *,
    search: str = "",
    job_title: str | None = None,
    competence_id: int | None = None,
    state: State | None = None,
) -> Matrix:
    """People in these units × the competences required of them: each cell the worst state of the
    requirements on that competence (mandatory before recommended), with level and required level.
    Which requirements apply is worked out in the query (roles as they are now); their state comes
    from the stored status, and a requirement not yet computed for someone counts as missing.
    Every matching person at once (``matrix_page`` pages); a fixed number of queries."""
    where = _people_filter(unit_ids, search, job_title)
    people = list(db.session.scalars(sa.select(Person).where(*where).order_by(Person.name, Person.id)))
    cells = _cell_rows(db.session.execute(_cells(unit_ids, where, competence_id)))
    rows = [MatrixRow(p, cells.get(p.id, {})) for p in people]
    if state is not None:
        rows = [r for r in rows if state in {c.state for c in r.cells.values()}]
    if competence_id is not None:
        rows = [r for r in rows if r.cells]
    required = {cid for row_cells in cells.values() for cid in row_cells}
    columns = _columns(_competences(required), rows)
    return Matrix(columns, rows, total=len(rows))


def _cell_rows(result) -> dict[int, dict[int, Cell]]:
    """The cell query's rows as ``{person_id: {competence_id: Cell}}``."""
    cells: dict[int, dict[int, Cell]] = {}
    states = list(State)
    for pid, cid, sev, level, required, since, until in result:
        row_cells = cells.get(pid)
        if row_cells is None:
            row_cells = cells[pid] = {}
        row_cells[cid] = Cell(states[sev % 4], sev >= 4, level, required, since, until)
    return cells


def _columns(competences: list[Competence], rows: list[MatrixRow]) -> list[Column]:
    """A column per competence, counting the rows' cells in each state."""
    counts: dict[int, dict[State, int]] = {}
    for row in rows:
        for cid, cell in row.cells.items():
            counted = counts.get(cid)
            if counted is None:
                counted = counts[cid] = dict.fromkeys(State, 0)
            counted[cell.state] += 1
    return [Column(c, counts.get(c.id, dict.fromkeys(State, 0))) for c in competences]


class MatrixQuery(NamedTuple):
    """What the paged matrix asks of the database: who matches the filters, and the competences
    required of them (in column order)."""

    unit_ids: frozenset[int]
    where: list
    competence_id: int | None
    competences: list[Competence]


def matrix_query(
    unit_ids: Iterable[int],
    *,
    search: str = "",
    job_title: str | None = None,
    competence_id: int | None = None,
    state: State | None = None,
) -> MatrixQuery:
    """The filters as SQL: a person matches when they have a cell on ``competence_id`` (if given)
    in ``state`` (if given). Two queries (the competences and their framework, scale and levels
    are three), and one more to aggregate the cells when a state or competence is chosen; the
    people matching then travel as a list of ids."""
    scope = frozenset(unit_ids)
    where = _people_filter(scope, search, job_title)
    if competence_id is not None or state is not None:
        cells = _cells(scope, list(where), competence_id).subquery("filtered")
        matching = sa.select(cells.c.person_id).distinct()
        if state is not None:
            matching = matching.where(cells.c.severity % 4 == int(state))
        where.append(Person.id.in_(sorted(set(db.session.scalars(matching)))))
    required = {competence_id} if competence_id is not None else _required_here(scope, job_title)
    return MatrixQuery(scope, where, competence_id, _competences(required))


def _required_here(unit_ids: frozenset[int], job_title: str | None) -> set[int]:
    """The competences required on these units or the units above them (of people with
    ``job_title``, when given): the paged matrix's columns, found without working out who each
    requirement applies to. One query."""
    up = (
        sa.select(Unit.id.label("id"), Unit.parent_id.label("parent_id"))
        .where(Unit.id.in_(list(unit_ids)))
        .cte("scope_and_above", recursive=True)
    )
    up = up.union(sa.select(Unit.id, Unit.parent_id).join(up, Unit.id == up.c.parent_id))
    query = (
        sa.select(Requirement.competence_id)
        .distinct()
        .where(Requirement.unit_id.in_(sa.select(up.c.id)))
    )
    if job_title:
        query = query.where(sa.or_(Requirement.job_title.is_(None), Requirement.job_title == job_title))
    return set(db.session.scalars(query))


def matrix_page(query: MatrixQuery, page: int = 1, per_page: int = 50) -> Matrix:
    """One page of the matrix, people by name: three queries, whatever the number of people.
    The columns count the page's cells only."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(*query.where))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    people = list(
        db.session.scalars(
            sa.select(Person)
            .where(*query.where)
            .order_by(Person.name, Person.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    ids = [p.id for p in people]
    cells = _cell_rows(
        db.session.execute(_cells(query.unit_ids, [Person.id.in_(ids)], query.competence_id, ids))
        if ids
        else ()
    )
    rows = [MatrixRow(p, cells.get(p.id, {})) for p in people]
    return Matrix(_columns(query.competences, rows), rows, total, page, per_page)


def matrix_pages(query: MatrixQuery, per_page: int = 500) -> Iterator[Matrix]:
    """Every page of the matrix in turn, for an export that must not hold everyone at once."""
    page = matrix_page(query, 1, per_page)
    yield page
    for number in range(2, page.pages + 1):
        yield matrix_page(query, number, per_page)


# The audit list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditLine:
    person: Person
    cell: Cell


def audit(unit_ids: Iterable[int], competence: Competence) -> list[AuditLine]:
    """Who must have ``competence`` (or should, when only recommended), whether they have it, since
    when and until when."""
    found = matrix(unit_ids, competence_id=competence.id)
    return [AuditLine(r.person, r.cells[competence.id]) for r in found.rows]


def requirements_in_scope(unit_ids: Iterable[int]) -> list[Requirement]:
    """Requirements set on these units."""
    return list(
        db.session.scalars(
            sa.select(Requirement)
            .where(Requirement.unit_id.in_(list(unit_ids)))
            .options(selectinload(Requirement.competence), selectinload(Requirement.unit))
            .order_by(Requirement.unit_id, Requirement.id)
        )
    )
