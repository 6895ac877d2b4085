"""Keeping units in step with an HR system, by the HR system's external ids: the same rules as
``sync`` (all or nothing, idempotent, a few bulk queries). Units not in the batch are left alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from lms.extensions import db
from lms.organisation.models import Unit, UnitKind
from lms.organisation.sync import SyncProblem

Key = tuple[str, int | str]
"""A unit in the tree after the sync: ``("id", id)`` for a stored one, ``("new", external id)``."""


@dataclass(frozen=True)
class UnitRecord:
    external_id: str
    name: str
    kind: UnitKind
    parent_external_id: str | None = None


@dataclass
class UnitSyncResult:
    created: list[Unit] = field(default_factory=list)
    updated: list[Unit] = field(default_factory=list)
    unchanged: int = 0


class _Plan:
    def __init__(self, records: Sequence[UnitRecord]):
        self.records = records
        self.problems: list[SyncProblem] = []
        self.stored = list(db.session.scalars(sa.select(Unit)))
        self.by_external_id = {u.external_id: u for u in self.stored if u.external_id}
        self.names = [" ".join(r.name.split()) for r in records]
        self.matched: list[Unit | None] = []
        self.keys: dict[str, Key] = {}

    def problem(self, index: int, where: str, message: str, conflict: bool = False) -> None:
        self.problems.append(
            SyncProblem(index, self.records[index].external_id, where, message, conflict)
        )

    def check_records(self) -> None:
        first: dict[str, int] = {}
        for index, record in enumerate(self.records):
            if not self.names[index]:
                self.problem(index, "name", "the name is empty.")
            if record.external_id in first:
                self.problem(
                    index,
                    "external_id",
                    f"«{record.external_id}» is also in record {first[record.external_id]}.",
                )
            first.setdefault(record.external_id, index)
        for index, record in enumerate(self.records):
            parent = record.parent_external_id
            if parent is not None and parent not in first and parent not in self.by_external_id:
                self.problem(index, "parent_external_id", f"no unit has the external id «{parent}».")

    def parent_key(self, record: UnitRecord) -> Key | None:
        parent = record.parent_external_id
        if parent is None:
            return None
        if parent in self.keys:
            return self.keys[parent]
        return ("id", self.by_external_id[parent].id)

    def match(self) -> None:
        """The stored unit of each record: by external id, else one of the same name under the same
        (stored) parent that has no external id yet."""
        for record in self.records:
            unit = self.by_external_id.get(record.external_id)
            self.matched.append(unit)
            self.keys[record.external_id] = ("id", unit.id) if unit else ("new", record.external_id)
        for index, record in enumerate(self.records):
            parent = self.parent_key(record)
            if self.matched[index] is not None or (parent is not None and parent[0] == "new"):
                continue
            wanted = (parent[1] if parent else None, self.names[index].casefold())
            for unit in self.stored:
                if unit.external_id is None and (unit.parent_id, unit.name.casefold()) == wanted:
                    self.matched[index] = unit
                    self.keys[record.external_id] = ("id", unit.id)

    def tree(self) -> dict[Key, tuple[Key | None, str]]:
        """Every unit after the sync: its parent and its name."""
        tree: dict[Key, tuple[Key | None, str]] = {
            ("id", u.id): (("id", u.parent_id) if u.parent_id else None, u.name) for u in self.stored
        }
        for index, record in enumerate(self.records):
            tree[self.keys[record.external_id]] = (self.parent_key(record), self.names[index])
        return tree

    def depths(self, tree: dict[Key, tuple[Key | None, str]]) -> dict[Key, int] | None:
        """How deep each record's unit will be; None (with problems) if the parents form a loop."""
        depths: dict[Key, int] = {}
        for index, record in enumerate(self.records):
            key, seen = self.keys[record.external_id], []
            while key is not None and key not in seen:
                seen.append(key)
                key = tree[key][0]
            if key is not None:
                self.problem(index, "parent_external_id", "the unit would be below itself.")
            depths[self.keys[record.external_id]] = len(seen)
        return None if self.problems else depths

    def check_names(self, tree: dict[Key, tuple[Key | None, str]]) -> None:
        owners: dict[tuple[Key | None, str], Key] = {}
        for key, (parent, name) in tree.items():
            owners.setdefault((parent, name.casefold()), key)
        for index, record in enumerate(self.records):
            key = self.keys[record.external_id]
            owner = owners[(self.parent_key(record), self.names[index].casefold())]
            if owner != key:
                self.problem(
                    index, "name", "another unit under the same parent has this name.", conflict=True
                )


def sync_units(records: Sequence[UnitRecord]) -> UnitSyncResult | list[SyncProblem]:
    """Create or update each record's unit; or, if any record is bad (an unknown parent, a loop, two
    units of one name under one parent), change nothing and return every problem."""
    plan = _Plan(records)
    plan.check_records()
    if plan.problems:
        return plan.problems
    plan.match()
    tree = plan.tree()
    depths = plan.depths(tree)
    plan.check_names(tree)
    if depths is None or plan.problems:
        return plan.problems
    units: dict[Key, Unit] = {("id", u.id): u for u in plan.stored}
    result = UnitSyncResult()
    for index in sorted(range(len(records)), key=lambda i: depths[plan.keys[records[i].external_id]]):
        record = records[index]
        parent_key = plan.parent_key(record)
        wanted = {
            "external_id": record.external_id,
            "name": plan.names[index],
            "kind": record.kind,
            "parent": units[parent_key] if parent_key else None,
        }
        unit = plan.matched[index]
        if unit is None:
            unit = Unit(**wanted)
            db.session.add(unit)
            result.created.append(unit)
        else:
            changes = {k: v for k, v in wanted.items() if getattr(unit, k) != v}
            for name, value in changes.items():
                setattr(unit, name, value)
            if changes:
                result.updated.append(unit)
            else:
                result.unchanged += 1
        units[plan.keys[record.external_id]] = unit
    db.session.flush()
    return result
