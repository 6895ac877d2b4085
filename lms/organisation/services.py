"""Units, people and roles. Functions here change the session and flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from lms import signals
from lms.accounts.services import normalise_email
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation import importer
from lms.organisation.models import Person, Role, RoleAssignment, Unit, UnitKind
from lms.organisation.phones import normalise_phone

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
    start_date: date | None = None,
    ends_on: date | None = None,
) -> Person:
    """Raises ``BadPhoneNumber`` for a phone number that is not one (stored in E.164)."""
    person = Person(
        name=name.strip(),
        email=normalise_email(email),
        phone=normalise_phone(phone) if (phone or "").strip() else None,
        ends_on=ends_on,
        job_title=job_title or None,
        locale=locale,
        start_date=start_date,
    )
    db.session.add(person)
    db.session.flush()
    return person


def current_staff(today: date | None = None) -> list:
    """The conditions on ``Person`` that make someone current staff on local day ``today``: active,
    and their end date (``ends_on``) not come. The figures of a unit count only them."""
    today = today or local_today()
    return [Person.active.is_(True), sa.or_(Person.ends_on.is_(None), Person.ends_on > today)]


def grant_role(person: Person, unit: Unit, role: Role) -> RoleAssignment:
    """Give ``person`` ``role`` on ``unit``; granting a role already held changes nothing."""
    existing = db.session.scalar(
        sa.select(RoleAssignment).filter_by(person_id=person.id, unit_id=unit.id, role=role)
    )
    if existing:
        return existing
    new_to_unit = (
        db.session.scalar(
            sa.select(RoleAssignment.id).filter_by(person_id=person.id, unit_id=unit.id).limit(1)
        )
        is None
    )
    assignment = RoleAssignment(person=person, unit=unit, role=role)
    db.session.add(assignment)
    db.session.flush()
    if new_to_unit:
        announce_joined([(person.id, unit.id)])
    return assignment


def announce_joined(joined: list[tuple[int, int]]) -> None:
    """Fire ``signals.people_joined_units`` for these ``(person_id, unit_id)`` pairs, if any."""
    if joined:
        signals.people_joined_units.send(current_app._get_current_object(), joined=joined)


def announce_roles_changed(person_ids: Iterable[int]) -> None:
    """Fire ``signals.roles_changed`` for these people, if any: for roles granted or removed by
    bulk statements, which no flush sees."""
    person_ids = sorted(set(person_ids))
    if person_ids:
        signals.roles_changed.send(current_app._get_current_object(), person_ids=person_ids)


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


# Admin pages and the CSV import -------------------------------------------------------------------


def sibling_named(parent_id: int | None, name: str, *, exclude_id: int | None = None) -> Unit | None:
    """A unit under ``parent_id`` (None: a top unit) called ``name``, ignoring case, other than
    ``exclude_id``."""
    wanted = name.strip().casefold()
    query = sa.select(Unit).where(
        Unit.parent_id.is_(None) if parent_id is None else Unit.parent_id == parent_id
    )
    for unit in db.session.scalars(query):
        if unit.name.casefold() == wanted and unit.id != exclude_id:
            return unit
    return None


def root_unit_ids(unit_ids: Iterable[int]) -> set[int]:
    """Those of ``unit_ids`` that have no parent (no query for none)."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return set()
    query = sa.select(Unit.id).where(Unit.id.in_(unit_ids), Unit.parent_id.is_(None))
    return set(db.session.scalars(query))


def search_people(
    unit_ids: Iterable[int], *, search: str = "", page: int = 1, per_page: int = 50
) -> tuple[list[Person], int]:
    """One page of the people holding a role in these units, by name, matching ``search`` in name or
    e-mail; with their roles and units loaded (a fixed number of queries). Also the total count."""
    members = sa.select(RoleAssignment.person_id).where(RoleAssignment.unit_id.in_(list(unit_ids)))
    where = [Person.id.in_(members)]
    search = search.strip()
    if search:
        where.append(
            sa.or_(
                Person.name.icontains(search, autoescape=True),
                Person.email.icontains(search, autoescape=True),
            )
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(*where)) or 0
    query = (
        sa.select(Person)
        .where(*where)
        .options(selectinload(Person.roles).selectinload(RoleAssignment.unit))
        .order_by(Person.name, Person.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(db.session.scalars(query)), total


def import_unit_refs(unit_ids: Iterable[int]) -> list[importer.UnitRef]:
    """The units with these ids, each with the names from its root down (for the CSV import)."""
    rows = db.session.execute(sa.select(Unit.id, Unit.name, Unit.parent_id)).all()
    by_id = {row.id: row for row in rows}

    def path(unit_id: int) -> tuple[str, ...]:
        names: list[str] = []
        current = by_id.get(unit_id)
        while current is not None:
            names.insert(0, current.name)
            current = by_id.get(current.parent_id)
        return tuple(names)

    return [importer.UnitRef(id=unit_id, path=path(unit_id)) for unit_id in unit_ids if unit_id in by_id]


def import_person_refs(emails: Iterable[str], unit_ids: Iterable[int]) -> dict[str, importer.PersonRef]:
    """The stored people with these (lower-case) e-mails, for the CSV import."""
    unit_ids = set(unit_ids)
    emails = sorted(set(emails))
    found: dict[str, importer.PersonRef] = {}
    for start in range(0, len(emails), 500):
        query = (
            sa.select(Person)
            .where(Person.email.in_(emails[start : start + 500]))
            .options(selectinload(Person.roles))
        )
        for person in db.session.scalars(query):
            roles = frozenset((r.unit_id, r.role) for r in person.roles)
            found[person.email] = importer.PersonRef(
                id=person.id,
                name=person.name,
                phone=person.phone,
                job_title=person.job_title,
                ends_on=person.ends_on,
                roles=roles,
                in_scope=any(unit_id in unit_ids for unit_id, _ in roles),
                account_in_scope=all(unit_id in unit_ids for unit_id, _ in roles),
                start_date=person.start_date,
            )
    return found


@dataclass
class ImportResult:
    created: list[Person]
    updated: list[Person]
    roles_granted: int
    unchanged: int


def import_people(data: bytes, unit_ids: Iterable[int], actor: Person) -> ImportResult | list:
    """Import a CSV file of people into the units ``unit_ids`` (those ``actor`` administers).

    All or nothing: if any line is bad, nothing changes and the problems (``importer.Problem``) are
    returned. Otherwise every line is applied, ``signals.people_imported`` fires, and the result says
    what changed.
    """
    unit_ids = set(unit_ids)
    outcome = importer.prepare(
        data, import_unit_refs(unit_ids), lambda emails: import_person_refs(emails, unit_ids)
    )
    if isinstance(outcome, list):
        return outcome
    result = apply_import_plan(outcome)
    signals.people_imported.send(
        current_app._get_current_object(), created=result.created, updated=result.updated, actor=actor
    )
    return result


def apply_import_plan(plan: importer.Plan) -> ImportResult:
    """Create and update the people of a checked plan and grant their roles; flush once at the end."""
    result = ImportResult(created=[], updated=[], roles_granted=0, unchanged=plan.unchanged)
    joined: list[tuple[Person, int]] = []
    for item in plan.people:
        if not item.changes_anything:
            continue
        if item.is_new:
            person = create_person(
                item.name,
                email=item.email,
                phone=item.phone,
                job_title=item.job_title,
                start_date=item.start_date or local_today(),
                ends_on=item.ends_on,
            )
            result.created.append(person)
        else:
            person = db.session.get(Person, item.existing_id)
            for name, value in item.changes.items():
                setattr(person, name, value)
            result.updated.append(person)
        held = {unit_id for unit_id, _role in item.held_roles}
        for unit_id, role in item.new_roles:
            db.session.add(RoleAssignment(person=person, unit_id=unit_id, role=role))
            result.roles_granted += 1
            if unit_id not in held:
                held.add(unit_id)
                joined.append((person, unit_id))
    db.session.flush()
    announce_joined([(person.id, unit_id) for person, unit_id in joined])
    return result
