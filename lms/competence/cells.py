"""The matrix's cells, kept in ``competence_cells``: for each person, each competence required of
them, the worst state of those requirements (mandatory before recommended) with level, required
level and dates. The matrix, the overview and the month figures read them instead of working out
which requirements apply to whom (roles, units, job titles) on every page.

A cell's truth changes with the stored requirement status and with who a requirement applies to.
Each change refreshes the cells of the people concerned in its own transaction:

- the status (evidence, a requirement added, changed or removed, a framework's evidence levels,
  the nightly job): ``services.refresh`` calls ``refresh_cells`` for the people it recomputed;
- a role granted or removed, a person's job title or active flag changed (the admin pages, the
  CSV import, the API, erasure, ended accounts), a unit moved: the flush listener below, which
  sees every change made through the ORM;
- bulk statements on roles, which no flush sees (the HR sync): their callers call
  ``refresh_cells``.

``lms competence cells`` (and the nightly ``refresh``) rebuilds them all, as a safety net."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lms.competence.models import CompetenceCell, Requirement, RequirementStatus, State
from lms.competence.services import applicable_query
from lms.extensions import db
from lms.organisation.models import Person, RoleAssignment, Unit

CHUNK = 500
"""People whose cells are refreshed at a time (the IN lists)."""

_table = CompetenceCell.__table__
_COLUMNS = ("person_id", "competence_id", "severity", "level", "required", "since", "valid_until")


def cell_query(person_ids: Iterable[int] | sa.Select | None = None) -> sa.Select:
    """The cells as they are now, worked out from the roles, units, job titles, requirements and
    stored status: ``_COLUMNS``, one row per person and competence (everyone: None). Severity is
    the state, plus 4 when a mandatory requirement is behind it, so the worst mandatory state
    wins; a requirement not yet computed for someone counts as missing. The pairs need not be
    distinct: a pair counted twice changes no maximum or minimum."""
    pairs = applicable_query(person_ids, distinct=False).subquery("pairs")
    status = RequirementStatus
    severity = sa.func.max(
        sa.func.coalesce(status.state, int(State.MISSING))
        + sa.case((Requirement.mandatory.is_(True), 4), else_=0)
    )
    return (
        sa.select(
            pairs.c.person_id,
            Requirement.competence_id,
            severity.label("severity"),
            sa.func.max(status.level).label("level"),
            sa.func.max(Requirement.min_level).label("required"),
            sa.func.min(status.since).label("since"),
            sa.func.min(status.valid_until).label("valid_until"),
        )
        .select_from(pairs)
        .join(Requirement, Requirement.id == pairs.c.requirement_id)
        .outerjoin(
            status,
            sa.and_(
                status.person_id == pairs.c.person_id, status.requirement_id == pairs.c.requirement_id
            ),
        )
        .group_by(pairs.c.person_id, Requirement.competence_id)
    )


def refresh_cells(person_ids: Iterable[int] | None = None, *, session: Session | None = None) -> None:
    """Rewrite the cells of these people (everyone: None) from ``cell_query``: a delete and an
    insert from a select per ``CHUNK`` people."""
    session = session or db.session
    if person_ids is None:
        session.execute(sa.delete(_table))
        session.execute(sa.insert(_table).from_select(_COLUMNS, cell_query()))
        return
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(sa.delete(_table).where(_table.c.person_id.in_(chunk)))
        session.execute(sa.insert(_table).from_select(_COLUMNS, cell_query(chunk)))


def differences() -> int:
    """How many stored cells ``cell_query`` would not give, and the other way round: 0 when the
    table is right."""
    live, stored = cell_query(), sa.select(*(_table.c[name] for name in _COLUMNS))
    return sum(
        db.session.scalar(sa.select(sa.func.count()).select_from(sa.except_(a, b).subquery()))
        for a, b in ((live, stored), (stored, live))
    )


def rebuild() -> int:
    """Rewrite every cell; returns how many were wrong before (``differences``)."""
    wrong = differences()
    refresh_cells(None)
    return wrong


@sa.event.listens_for(Session, "after_flush")
def _follow_flushed_changes(session: Session, _context) -> None:
    """Refresh, in the flush that made them, the cells of the people whose roles, job title or
    active flag changed, and of everyone at or below a unit that moved."""
    if not _is_the_apps(session):
        return
    people, moved = _changed(session)
    if moved:
        people |= _people_below(session, moved)
    if people:
        refresh_cells(people, session=session)


def _is_the_apps(session: Session) -> bool:
    """Whether ``session`` is the app context's ``db.session`` (not a bare session of its own, as
    a migration's test opens on an older schema)."""
    registry = db.session.registry
    try:
        return registry.has() and registry() is session
    except RuntimeError:  # no app context
        return False


def _changed(session: Session) -> tuple[set[int], set[int]]:
    """The people and the moved units among the objects of a flush (still listed after it)."""
    people: set[int] = set()
    moved: set[int] = set()
    dirty = session.dirty
    for obj in (*session.new, *dirty, *session.deleted):
        if isinstance(obj, RoleAssignment):
            people |= _values(obj, "person_id")
        elif obj in dirty and isinstance(obj, Person) and _modified(obj, "active", "job_title"):
            people.add(obj.id)
        elif obj in dirty and isinstance(obj, Unit) and _modified(obj, "parent_id", "parent"):
            moved.add(obj.id)
    return people, moved


def _modified(obj, *names: str) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def _values(obj, name: str) -> set[int]:
    """An attribute's value and, when the flush changed it, the value before."""
    history = sa.inspect(obj).attrs[name].history
    return {v for v in (getattr(obj, name), *history.deleted) if v is not None}


def _people_below(session: Session, unit_ids: set[int]) -> set[int]:
    """Everyone holding a role on these units or below them."""
    tree = sa.select(Unit.id).where(Unit.id.in_(unit_ids)).cte("moved", recursive=True)
    tree = tree.union(sa.select(Unit.id).where(Unit.parent_id == tree.c.id))
    query = sa.select(RoleAssignment.person_id).where(RoleAssignment.unit_id.in_(sa.select(tree.c.id)))
    return set(session.scalars(query))
