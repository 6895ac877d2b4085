"""Introduction programmes: making them, giving them to newcomers, ticking and signing off items,
and where each newcomer stands. Functions flush; the caller commits (``docs/introduction.md``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.access import can_act_on_unit
from lms.audit.services import record
from lms.content.models import LearningModule
from lms.core.time import local_today, local_zone
from lms.db import utcnow
from lms.extensions import db
from lms.introduction import rules, statements
from lms.introduction.models import DueRule, Enrolment, ItemKind, Programme, ProgrammeItem, Tick
from lms.organisation.models import Person, Role, RoleAssignment
from lms.shifts.models import Shift

MANAGING_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
"""Who makes programmes, names mentors and sees every newcomer of a unit."""
FIRST_WEEKS = timedelta(weeks=12)
"""How long after their start a newcomer stays on the managers' list (while items are open)."""


# Programmes ------------------------------------------------------------------------------------


def create_programme(unit_id: int, title: str, job_title: str | None, by: Person) -> Programme:
    programme = Programme(unit_id=unit_id, title=title.strip(), job_title=job_title or None)
    db.session.add(programme)
    db.session.flush()
    record(by, "introduction.plan", "programme", programme.id, {"unit_id": unit_id})
    return programme


def update_programme(programme: Programme, title: str, job_title: str | None, by: Person) -> None:
    programme.title = title.strip()
    programme.job_title = job_title or None
    db.session.flush()
    record(by, "introduction.plan", "programme", programme.id, {"unit_id": programme.unit_id})


def add_item(
    programme: Programme,
    kind: ItemKind,
    title: str,
    due_rule: DueRule,
    due_count: int,
    *,
    module_id: str | None = None,
    series_id: int | None = None,
) -> ProgrammeItem:
    """Add an item at the end of the programme; newcomers already in it get it too."""
    item = ProgrammeItem(
        programme=programme,
        position=len(programme.items),
        kind=kind,
        title=title.strip(),
        due_rule=due_rule,
        due_count=due_count,
        module_id=module_id if kind is ItemKind.MODULE else None,
        series_id=series_id if kind is ItemKind.WORKSHOP else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def remove_item(item: ProgrammeItem, by: Person) -> None:
    """Remove an item, with the ticks newcomers had on it (the audit log keeps where it was)."""
    details = {"unit_id": item.programme.unit_id, "programme_id": item.programme_id}
    db.session.delete(item)
    db.session.flush()
    record(by, "introduction.item_remove", "programme_item", item.id, details)


def published_modules() -> list[LearningModule]:
    """The modules with a published version, to choose from."""
    query = (
        sa.select(LearningModule)
        .where(LearningModule.current_version_id.is_not(None))
        .options(selectinload(LearningModule.current_version))
        .order_by(LearningModule.id)
    )
    return list(db.session.scalars(query))


def programmes_in(unit_ids: Iterable[int]) -> list[Programme]:
    query = (
        sa.select(Programme)
        .where(Programme.unit_id.in_(list(unit_ids)))
        .options(selectinload(Programme.items), selectinload(Programme.unit))
        .order_by(Programme.title, Programme.id)
    )
    return list(db.session.scalars(query))


# Newcomers -------------------------------------------------------------------------------------


def enrol_joiners(joined: Sequence[tuple[int, int]], today: date | None = None) -> list[Enrolment]:
    """Give each ``(person id, unit id)`` newcomer the programmes of that unit made for their job
    title (or for any title), from their start date (today for someone without one). A programme
    the person already has is not given again. A fixed number of queries."""
    if not joined:
        return []
    programmes = db.session.scalars(
        sa.select(Programme).where(Programme.unit_id.in_({unit_id for _p, unit_id in joined}))
    ).all()
    if not programmes:
        return []
    people = {
        p.id: p
        for p in db.session.scalars(sa.select(Person).where(Person.id.in_({pid for pid, _u in joined})))
    }
    have = set(
        db.session.execute(
            sa.select(Enrolment.person_id, Enrolment.programme_id).where(
                Enrolment.person_id.in_(list(people))
            )
        ).all()
    )
    today = today or local_today()
    made = []
    for person_id, unit_id in joined:
        person = people[person_id]
        for programme in programmes:
            fits = programme.job_title in (None, person.job_title)
            if programme.unit_id != unit_id or not fits or (person_id, programme.id) in have:
                continue
            have.add((person_id, programme.id))
            made.append(_enrol(person, programme, person.start_date or today))
    return made


def _enrol(person: Person, programme: Programme, starts_on: date) -> Enrolment:
    enrolment = Enrolment(person=person, programme=programme, starts_on=starts_on)
    db.session.add(enrolment)
    db.session.flush()
    details = {"programme_id": programme.id, "starts_on": starts_on.isoformat()}
    record(None, "introduction.assign", "person", person.id, details)
    statements.programme_assigned(enrolment, utcnow())
    return enrolment


def set_mentor(enrolment: Enrolment, mentor: Person | None) -> None:
    enrolment.mentor = mentor
    db.session.flush()


def mentor_choices(enrolment: Enrolment) -> list[Person]:
    """The people who may mentor the newcomer: anyone else with a role in the programme's unit."""
    members = sa.select(RoleAssignment.person_id).where(
        RoleAssignment.unit_id == enrolment.programme.unit_id
    )
    query = sa.select(Person).where(
        Person.id.in_(members), Person.id != enrolment.person_id, Person.active.is_(True)
    )
    return list(db.session.scalars(query.order_by(Person.name)))


def tick_done(person_id: int, *, module_id: str | None = None, series_id: int | None = None) -> int:
    """Tick the items for this module or workshop series in the person's programmes, as done
    today (a completion or a series attended). Returns how many were ticked."""
    column, value = (
        (ProgrammeItem.module_id, module_id) if module_id else (ProgrammeItem.series_id, series_id)
    )
    rows = db.session.execute(
        sa.select(Enrolment.id, ProgrammeItem.id)
        .join(ProgrammeItem, ProgrammeItem.programme_id == Enrolment.programme_id)
        .where(Enrolment.person_id == person_id, column == value)
        .where(~sa.exists().where(Tick.enrolment_id == Enrolment.id, Tick.item_id == ProgrammeItem.id))
    ).all()
    for enrolment_id, item_id in rows:
        db.session.add(Tick(enrolment_id=enrolment_id, item_id=item_id, done_on=local_today()))
    db.session.flush()
    return len(rows)


def sign_off(enrolment: Enrolment, item: ProgrammeItem, by: Person, done_on: date) -> Tick:
    """A mentor or manager has shown and gone through a practical item with the newcomer."""
    if item.programme_id != enrolment.programme_id or item.kind is not ItemKind.SIGN_OFF:
        raise ValueError("not a practical item of this programme")
    tick = next((t for t in enrolment.ticks if t.item_id == item.id), None)
    if tick is None:
        tick = Tick(enrolment=enrolment, item_id=item.id, done_on=done_on, signed_by=by)
        db.session.add(tick)
    else:
        tick.done_on, tick.signed_by = done_on, by
    db.session.flush()
    details = {"enrolment_id": enrolment.id, "item_id": item.id, "done_on": done_on.isoformat()}
    record(by, "introduction.sign_off", "person", enrolment.person_id, details)
    statements.sign_off_given(enrolment, item, by, utcnow())
    return tick


# Who sees what ---------------------------------------------------------------------------------


def manages(actor: Person, enrolment: Enrolment) -> bool:
    """A manager or admin of the programme's unit (or a unit above it)."""
    return can_act_on_unit(actor, enrolment.programme.unit_id, MANAGING_ROLES)


def may_see(actor: Person, enrolment: Enrolment) -> bool:
    """The newcomer, their mentor, and the unit's managers and admins."""
    return actor.id in (enrolment.person_id, enrolment.mentor_id) or manages(actor, enrolment)


def may_sign_off(actor: Person, enrolment: Enrolment) -> bool:
    """The newcomer's mentor, or a manager or admin of the unit; never the newcomer themselves."""
    if actor.id == enrolment.person_id:
        return False
    return actor.id == enrolment.mentor_id or manages(actor, enrolment)


# Where newcomers stand -------------------------------------------------------------------------


@dataclass(frozen=True)
class Newcomer:
    enrolment: Enrolment
    standing: rules.Standing

    @property
    def rows(self) -> list[tuple[ProgrammeItem, rules.Line]]:
        """Each item of the programme with where the newcomer stands on it."""
        return list(zip(self.enrolment.programme.items, self.standing.lines, strict=True))


def _loaded(query: sa.Select, *, modules: bool = False) -> list[Enrolment]:
    """The enrolments with all their pages show loaded (and the items' modules, for reminders)."""
    if modules:
        query = query.options(
            selectinload(Enrolment.programme)
            .selectinload(Programme.items)
            .selectinload(ProgrammeItem.module)
            .selectinload(LearningModule.current_version)
        )
    query = query.options(
        selectinload(Enrolment.person),
        selectinload(Enrolment.mentor),
        selectinload(Enrolment.ticks).selectinload(Tick.signed_by),
        selectinload(Enrolment.programme).selectinload(Programme.items),
        selectinload(Enrolment.programme).selectinload(Programme.unit),
    )
    return list(db.session.scalars(query.order_by(Enrolment.starts_on.desc(), Enrolment.id)))


def shift_days(enrolments: Sequence[Enrolment]) -> dict[int, list[date]]:
    """The local dates of each newcomer's shifts from their start, for 16 weeks: one query."""
    if not enrolments:
        return {}
    zone = local_zone()
    start = datetime.combine(min(e.starts_on for e in enrolments), time(0), tzinfo=zone)
    end = datetime.combine(max(e.starts_on for e in enrolments), time(0), tzinfo=zone)
    rows = db.session.execute(
        sa.select(Shift.person_id, Shift.starts_at)
        .where(
            Shift.person_id.in_({e.person_id for e in enrolments}),
            Shift.starts_at >= start,
            Shift.starts_at < end + timedelta(weeks=16),
        )
        .order_by(Shift.starts_at)
    )
    found: dict[int, list[date]] = {}
    for person_id, starts_at in rows:
        found.setdefault(person_id, []).append(starts_at.astimezone(zone).date())
    return found


def standing_of(enrolment: Enrolment, days: Sequence[date]) -> rules.Standing:
    ticks = {t.item_id: t for t in enrolment.ticks}
    lines = []
    for item in enrolment.programme.items:
        due, from_roster = rules.due_on(item.due_rule, item.due_count, enrolment.starts_on, days)
        tick = ticks.get(item.id)
        lines.append(
            rules.Line(
                item_id=item.id,
                due_on=due,
                done_on=tick.done_on if tick else None,
                signed_by=tick.signed_by.name if tick and tick.signed_by else None,
                from_roster=from_roster,
            )
        )
    return rules.Standing(tuple(lines))


def newcomers(enrolments: list[Enrolment]) -> list[Newcomer]:
    days = shift_days(enrolments)
    return [Newcomer(e, standing_of(e, days.get(e.person_id, []))) for e in enrolments]


def programmes_of(person: Person) -> list[Newcomer]:
    """The person's own introduction programmes ("Din introduksjon")."""
    return newcomers(_loaded(sa.select(Enrolment).where(Enrolment.person_id == person.id)))


def is_mentor(person: Person) -> bool:
    query = sa.select(Enrolment.id).where(Enrolment.mentor_id == person.id).limit(1)
    return db.session.scalar(query) is not None


def mentees_of(person: Person) -> list[Newcomer]:
    return newcomers(_loaded(sa.select(Enrolment).where(Enrolment.mentor_id == person.id)))


def newcomers_in(unit_ids: Iterable[int], today: date) -> list[Newcomer]:
    """Everyone in their first weeks in these units (started within ``FIRST_WEEKS``), and anyone
    longer in who still has items open, with where they stand: a fixed number of queries."""
    query = (
        sa.select(Enrolment)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .where(Programme.unit_id.in_(list(unit_ids)))
    )
    found = newcomers(_loaded(query))
    recent = today - FIRST_WEEKS
    return [n for n in found if n.enrolment.starts_on >= recent or n.standing.done < n.standing.total]


def open_newcomers(person_ids: Sequence[int], today: date) -> list[Newcomer]:
    """The programmes of these people that have started and still have items open (for the
    reminder planner)."""
    query = sa.select(Enrolment).where(
        Enrolment.person_id.in_(list(person_ids)), Enrolment.starts_on <= today
    )
    found = newcomers(_loaded(query, modules=True))
    return [n for n in found if n.standing.done < n.standing.total]


def enrolment_with_standing(enrolment_id: int) -> Newcomer | None:
    found = newcomers(_loaded(sa.select(Enrolment).where(Enrolment.id == enrolment_id)))
    return found[0] if found else None
