"""Units, people and roles. Functions here change the session and flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.accounts.services import new_session_token, normalise_email
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit, UnitKind

CHILD_KIND = {UnitKind.MUNICIPALITY: UnitKind.SERVICE_AREA, UnitKind.SERVICE_AREA: UnitKind.UNIT}


def create_unit(name: str, kind: UnitKind, parent: Unit | None = None) -> Unit:
    unit = Unit(name=name.strip(), kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def update_unit(unit: Unit, *, name: str, parent: Unit | None) -> None:
    if parent is not None and parent.id in unit_ids_below([unit.id]):
        raise ValueError("a unit cannot be moved below itself")
    unit.name = name.strip()
    unit.parent = parent
    db.session.flush()


def unit_ids_below(root_ids: Iterable[int]) -> set[int]:
    """The given units and every unit below them, by a recursive query."""
    root_ids = list(root_ids)
    if not root_ids:
        return set()
    tree = sa.select(Unit.id).where(Unit.id.in_(root_ids)).cte("tree", recursive=True)
    tree = tree.union(sa.select(Unit.id).where(Unit.parent_id == tree.c.id))
    return set(db.session.scalars(sa.select(tree.c.id)))


def create_person(
    name: str,
    *,
    email: str | None = None,
    phone: str | None = None,
    job_title: str | None = None,
    locale: str | None = None,
) -> Person:
    person = Person(
        name=name.strip(),
        email=normalise_email(email),
        phone=(phone or "").strip() or None,
        job_title=job_title or None,
        locale=locale,
        session_token=new_session_token(),
    )
    db.session.add(person)
    db.session.flush()
    return person


def grant_role(person: Person, unit: Unit, role: Role) -> RoleAssignment:
    """Give ``person`` ``role`` on ``unit``; granting a role already held changes nothing."""
    existing = db.session.scalar(
        sa.select(RoleAssignment).filter_by(person_id=person.id, unit_id=unit.id, role=role)
    )
    if existing:
        return existing
    assignment = RoleAssignment(person=person, unit=unit, role=role)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def revoke_role(assignment: RoleAssignment) -> None:
    db.session.delete(assignment)
    db.session.flush()


def units_in(unit_ids: Iterable[int]) -> list[Unit]:
    """The units with these ids, ordered as a tree would be read: parents before children."""
    units = db.session.scalars(sa.select(Unit).where(Unit.id.in_(list(unit_ids)))).all()
    return order_as_tree(units)


def order_as_tree(units: Iterable[Unit]) -> list[Unit]:
    """Depth-first order by name; units whose parent is not in the list start a new branch."""
    units = list(units)
    ids = {unit.id for unit in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    ordered: list[Unit] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent_id, []), key=lambda u: u.name.casefold()):
            unit.depth = depth
            ordered.append(unit)
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def ancestors(unit: Unit) -> list[Unit]:
    """The units above ``unit``, the root first."""
    path: list[Unit] = []
    current = unit.parent
    while current is not None:
        path.insert(0, current)
        current = current.parent
    return path


def people_in_units(unit_ids: Iterable[int]) -> list[Person]:
    """Everyone holding a role in these units, with their roles and units loaded, by name."""
    unit_ids = list(unit_ids)
    members = sa.select(RoleAssignment.person_id).where(RoleAssignment.unit_id.in_(unit_ids))
    query = (
        sa.select(Person)
        .where(Person.id.in_(members))
        .options(selectinload(Person.roles).selectinload(RoleAssignment.unit))
        .order_by(Person.name)
    )
    return list(db.session.scalars(query))
