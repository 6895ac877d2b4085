"""Keeping people and their roles in step with an HR system, by the HR system's external ids.

A batch is checked as a whole before anything changes (all or nothing); a record that is already as
stored is left alone, so the same batch sent twice changes nothing the second time. Existing rows are
read in a few bulk queries (chunks of ``CHUNK``), never one per person. People who have been erased
(``erased_at``) are never matched or touched. The field checks are the CSV import's
(``lms.organisation.importer``). Units are kept in step by ``unit_sync``. Functions flush; the
caller commits.

A person's roles on units that have an external id (the units the HR system keeps) become exactly
those in the record; roles on units without one (given by hand in Lærevakt) are left as they are.

Admins are the HR system's only when the caller says so (``may_make_admins``, the API's
``roles:admin`` scope): otherwise a batch that would grant or take away the admin role, or change
the e-mail, phone, active flag or end date of someone who holds it (and so let whoever reads that
mailbox or phone sign in as them, or lock them out), is refused whole.

Phone numbers are stored in E.164 (``lms.organisation.phones``). A record whose end date
(``ends_on``) has come is stored inactive.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from lms.core.time import local_today
from lms.extensions import db
from lms.organisation import importer
from lms.organisation.models import Person, Role, RoleAssignment, Unit
from lms.organisation.services import announce_joined, announce_roles_changed

CHUNK = 1000


@dataclass(frozen=True)
class PersonRecord:
    external_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    job_title: str | None = None
    active: bool = True
    ends_on: date | None = None
    """The first day the person may no longer sign in (``Person.ends_on``)."""
    roles: tuple[tuple[str, Role], ...] = ()
    """(unit external id, role) pairs."""
    start_date: date | None = None
    """None leaves a stored start date as it is; a new person without one starts today."""


@dataclass(frozen=True)
class SyncProblem:
    """What is wrong with record ``index`` (``field`` in it); ``conflict`` when it clashes with
    another stored record rather than being bad in itself; ``forbidden`` when the caller may not make
    the change."""

    index: int
    external_id: str
    field: str
    message: str
    conflict: bool = False
    forbidden: bool = False


@dataclass
class SyncResult:
    created: list[int] = field(default_factory=list)
    """The new people's ids."""
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    roles_granted: int = 0
    roles_removed: int = 0


def in_chunks(values: Iterable, size: int = CHUNK) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _people_by(column, values: Iterable[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for chunk in in_chunks(sorted(set(values))):
        query = sa.select(Person).where(column.in_(chunk), Person.erased_at.is_(None))
        found.update((getattr(p, column.key), p) for p in db.session.scalars(query))
    return found


def _roles_of(
    person_ids: Iterable[int], managed_units: set[int]
) -> dict[int, dict[tuple[int, Role], int]]:
    """Each person's roles on the HR-managed units: (unit id, role) -> role assignment id."""
    found: dict[int, dict[tuple[int, Role], int]] = {}
    for chunk in in_chunks(sorted(person_ids)):
        query = sa.select(
            RoleAssignment.id, RoleAssignment.person_id, RoleAssignment.unit_id, RoleAssignment.role
        ).where(RoleAssignment.person_id.in_(chunk))
        for ra_id, person_id, unit_id, role in db.session.execute(query):
            if unit_id in managed_units:
                found.setdefault(person_id, {})[(unit_id, role)] = ra_id
    return found


class _Checker:
    """Checks the records of a batch and works out what each one changes."""

    def __init__(self, records: Sequence[PersonRecord]):
        self.records = records
        self.problems: list[SyncProblem] = []
        self.values: list[dict] = []

    def problem(
        self, index: int, where: str, message: str, conflict: bool = False, forbidden: bool = False
    ) -> None:
        record = self.records[index]
        self.problems.append(
            SyncProblem(index, record.external_id, where, str(message), conflict, forbidden)
        )

    def check_fields(self) -> None:
        """The field checks of the CSV import, and no external id or e-mail twice in the batch."""
        seen_ids: dict[str, int] = {}
        seen_emails: dict[str, int] = {}
        for index, record in enumerate(self.records):

            def problem(column: str, message: str, index=index) -> None:
                self.problem(index, column, message)

            values = {
                "external_id": record.external_id.strip(),
                "name": importer.check_name(record.name, problem),
                "email": importer.check_email(record.email, problem) if record.email else None,
                "phone": importer.check_phone(record.phone or "", problem),
                "job_title": importer.check_job_title(record.job_title or "", problem),
                "start_date": record.start_date,
                "ends_on": record.ends_on,
                "active": record.active and not _has_ended(record.ends_on),
            }
            self.values.append(values)
            for key, seen, column in (
                (values["external_id"], seen_ids, "external_id"),
                (values["email"], seen_emails, "email"),
            ):
                if key is not None and key in seen:
                    problem(column, f"«{key}» is also in record {seen[key]}.")
                elif key is not None:
                    seen[key] = index


def _has_ended(ends_on: date | None) -> bool:
    """Whether the end date has come: such a record is stored inactive, so that a sync does not keep
    waking an account the daily job has ended (``lms.accounts.ending``)."""
    return ends_on is not None and ends_on <= local_today()


def _unit_ids(records: Sequence[PersonRecord], checker: _Checker) -> dict[str, int]:
    wanted = {unit for record in records for unit, _role in record.roles}
    found: dict[str, int] = {}
    for chunk in in_chunks(sorted(wanted)):
        query = sa.select(Unit.external_id, Unit.id).where(Unit.external_id.in_(chunk))
        found.update({external_id: unit_id for external_id, unit_id in db.session.execute(query)})
    for index, record in enumerate(records):
        for position, (unit, _role) in enumerate(record.roles):
            if unit not in found:
                checker.problem(
                    index,
                    f"roles[{position}].unit_external_id",
                    f"no unit has the external id «{unit}».",
                )
    return found


def _match(checker: _Checker) -> list[Person | None]:
    """The stored person each record is about: by external id, else (a first sync) a person with the
    record's e-mail and no external id yet. A record whose e-mail belongs to someone else conflicts."""
    values = checker.values
    by_external_id = _people_by(Person.external_id, (v["external_id"] for v in values))
    by_email = _people_by(Person.email, (v["email"] for v in values if v["email"]))
    matched: list[Person | None] = []
    for index, v in enumerate(values):
        person = by_external_id.get(v["external_id"])
        owner = by_email.get(v["email"]) if v["email"] else None
        if person is None and owner is not None and owner.external_id is None:
            person = owner
        elif owner is not None and owner is not person:
            checker.problem(
                index, "email", f"«{v['email']}» belongs to another person in Lærevakt.", conflict=True
            )
        matched.append(person)
    return matched


def _admin_ids(person_ids: Iterable[int]) -> set[int]:
    """Those of ``person_ids`` who hold the admin role on some unit."""
    found: set[int] = set()
    for chunk in in_chunks(sorted(person_ids)):
        query = sa.select(RoleAssignment.person_id).where(
            RoleAssignment.person_id.in_(chunk), RoleAssignment.role == Role.ADMIN
        )
        found.update(db.session.scalars(query))
    return found


_GUARDED_FIELDS = ("email", "phone", "active", "ends_on")
"""What of an admin's record only a caller who may make admins can change: the addresses their
sign-in codes go to, and whether (and until when) they can sign in at all."""


def _refuse_admin_changes(
    checker: _Checker,
    matched: Sequence[Person | None],
    units: dict[str, int],
    held: dict[int, dict[tuple[int, Role], int]],
) -> None:
    """Name as forbidden (for a caller without the right to make admins) every admin role a record
    would grant or take away, and every change to the e-mail, phone, active flag or end date of a
    person who holds the admin role."""
    admins = _admin_ids(p.id for p in matched if p is not None)
    for index, (record, person) in enumerate(zip(checker.records, matched, strict=True)):
        current = held.get(person.id, {}) if person is not None else {}
        wanted = {(units[unit], role) for unit, role in record.roles}
        for position, (unit, role) in enumerate(record.roles):
            if role is Role.ADMIN and (units[unit], role) not in current:
                checker.problem(
                    index,
                    f"roles[{position}].role",
                    "granting the admin role needs an API key with the scope 'roles:admin'.",
                    forbidden=True,
                )
        if any(role is Role.ADMIN and (unit_id, role) not in wanted for unit_id, role in current):
            checker.problem(
                index,
                "roles",
                "taking away the admin role needs an API key with the scope 'roles:admin'.",
                forbidden=True,
            )
        if person is None or person.id not in admins:
            continue
        for name in _GUARDED_FIELDS:
            if checker.values[index][name] != getattr(person, name):
                checker.problem(
                    index,
                    name,
                    f"changing the {name} of an admin needs an API key with the scope 'roles:admin'.",
                    forbidden=True,
                )


def sync_people(
    records: Sequence[PersonRecord], *, may_make_admins: bool = False
) -> SyncResult | list[SyncProblem]:
    """Create or update each record's person and roles; or, if any record is bad, change nothing and
    return every problem found. New people and roles are inserted in bulk (one statement per batch).

    Without ``may_make_admins``, granting or taking away the admin role and changing an admin's
    e-mail, phone, active flag or end date are refused (problems marked ``forbidden``), once the
    records are otherwise good."""
    checker = _Checker(records)
    checker.check_fields()
    units = _unit_ids(records, checker)
    matched = _match(checker)
    if checker.problems:
        return checker.problems
    managed = set(db.session.scalars(sa.select(Unit.id).where(Unit.external_id.is_not(None))))
    held = _roles_of((p.id for p in matched if p is not None), managed)
    if not may_make_admins:
        _refuse_admin_changes(checker, matched, units, held)
        if checker.problems:
            return checker.problems
    result = SyncResult()
    new_people: list[dict] = []
    new_roles: list[tuple[str | int, int, Role]] = []
    """(person id, or the external id of a person still to be made; unit id; role)"""
    removed: list[int] = []
    lost_roles: list[int] = []
    """The people some of whose roles go"""
    for record, values, person in zip(records, checker.values, matched, strict=True):
        wanted = {(units[unit], role) for unit, role in record.roles}
        if person is None:
            new_people.append(values | {"start_date": values["start_date"] or local_today()})
            new_roles += [(values["external_id"], unit_id, role) for unit_id, role in sorted(wanted)]
            continue
        current = held.get(person.id, {})
        changes = {k: v for k, v in _given(values).items() if getattr(person, k) != v}
        for name, value in changes.items():
            setattr(person, name, value)
        if changes or wanted != set(current):
            result.updated.append(person.id)
        else:
            result.unchanged += 1
        new_roles += [(person.id, unit_id, role) for unit_id, role in sorted(wanted - set(current))]
        gone = [ra_id for key, ra_id in current.items() if key not in wanted]
        removed += gone
        if gone:
            lost_roles.append(person.id)
    db.session.flush()
    result.created = _insert_people(new_people)
    ids = dict(zip((p["external_id"] for p in new_people), result.created, strict=True))
    if new_roles:
        rows = [{"person_id": ids.get(who, who), "unit_id": u, "role": r} for who, u, r in new_roles]
        db.session.execute(sa.insert(RoleAssignment), rows)
    for chunk in in_chunks(removed):
        db.session.execute(sa.delete(RoleAssignment).where(RoleAssignment.id.in_(chunk)))
    result.roles_granted, result.roles_removed = len(new_roles), len(removed)
    announce_roles_changed([*lost_roles, *(ids.get(who, who) for who, _u, _r in new_roles)])
    announce_joined(_joined(new_roles, ids, held))
    return result


def _given(values: dict) -> dict:
    """A record's values for a stored person: a start date left out keeps the stored one."""
    return {k: v for k, v in values.items() if not (k == "start_date" and v is None)}


def _joined(
    new_roles: list[tuple[str | int, int, Role]],
    ids: dict[str, int],
    held: dict[int, dict[tuple[int, Role], int]],
) -> list[tuple[int, int]]:
    """The ``(person id, unit id)`` pairs of people given a role on a unit (kept by the HR system)
    where they held none before."""
    joined: dict[tuple[int, int], None] = {}
    for who, unit_id, _role in new_roles:
        person_id = ids.get(who, who)
        if unit_id not in {unit for unit, _r in held.get(person_id, {})}:
            joined[(person_id, unit_id)] = None
    return list(joined)


def _insert_people(rows: list[dict]) -> list[int]:
    """Insert the people in bulk; their new ids, in order."""
    if not rows:
        return []
    db.session.execute(sa.insert(Person).execution_options(render_nulls=True), rows)
    ids: dict[str, int] = {}
    for chunk in in_chunks(row["external_id"] for row in rows):
        query = sa.select(Person.external_id, Person.id).where(Person.external_id.in_(chunk))
        ids.update({external_id: person_id for external_id, person_id in db.session.execute(query)})
    return [ids[row["external_id"]] for row in rows]
