"""Shifts in and out: entered by hand, imported from CSV, synced from iCalendar feeds, and read back
for the planner and the workshop slot finder. Functions flush; the caller commits."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.core.time import local_zone
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Person, RoleAssignment
from lms.organisation.services import unit_ids_below
from lms.shifts import fetching, importer, working_time
from lms.shifts.importer import Problem, ShiftRow
from lms.shifts.models import Shift, ShiftCode, ShiftFeed, ShiftSource
from lms.shifts.working_time import ShiftKind, shift_kind

SYNC_EVERY = timedelta(hours=1)
"""How often a feed is fetched again (the ``sync-shift-feeds`` job runs every few minutes)."""


class ShiftError(ValueError):
    """Bad input, with problems that name each place."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


# Codes -----------------------------------------------------------------------------------------


def codes_for(unit_ids: Iterable[int]) -> dict[str, ShiftKind]:
    """The shift codes of the units (upper case), the nearest unit's first."""
    rows = db.session.execute(
        sa.select(ShiftCode.code, ShiftCode.kind).where(ShiftCode.unit_id.in_(list(unit_ids)))
    )
    return {code.upper(): kind for code, kind in rows}


def set_code(unit_id: int, code: str, kind: ShiftKind, label: str = "") -> ShiftCode:
    found = db.session.scalar(
        sa.select(ShiftCode).where(ShiftCode.unit_id == unit_id, ShiftCode.code == code.upper())
    )
    if found is None:
        found = ShiftCode(unit_id=unit_id, code=code.upper())
        db.session.add(found)
    found.kind, found.label = kind, label
    db.session.flush()
    return found


def unit_ids_of(person_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(RoleAssignment.unit_id).where(RoleAssignment.person_id == person_id).distinct()
        )
    )


# Entering by hand --------------------------------------------------------------------------------


def add_shift(person: Person, day: date, start: time, end: time, code: str | None = None) -> Shift:
    """A shift given in local times; refused if the time does not exist or it overlaps another."""
    times = importer.shift_times(day, start, end, local_zone())
    if times is None:
        raise ShiftError([Problem(_("Klokkeslettet finnes ikke den dagen (sommertid)."))])
    starts, ends = times
    if ends - starts > timedelta(hours=importer.MAX_HOURS):
        raise ShiftError([Problem(_("Vakten er lengre enn %(hours)s timer.", hours=importer.MAX_HOURS))])
    clash = db.session.scalar(
        sa.select(Shift.id).where(
            Shift.person_id == person.id, Shift.starts_at < ends, Shift.ends_at > starts
        )
    )
    if clash is not None:
        raise ShiftError([Problem(_("Vakten overlapper en vakt du allerede har."))])
    codes = codes_for(unit_ids_of(person.id))
    kind = (codes.get(code.upper()) if code else None) or shift_kind(starts, ends, local_zone())
    shift = Shift(
        person_id=person.id,
        starts_at=starts,
        ends_at=ends,
        kind=kind,
        code=code.upper() if code else None,
        source=ShiftSource.MANUAL,
    )
    db.session.add(shift)
    db.session.flush()
    return shift


class NotYours(LookupError):
    """A shift to delete is not the person's own, or was not entered by hand."""


def delete_own_shifts(person: Person, shift_ids: Iterable[int]) -> int:
    """Delete the shifts ``person`` entered by hand among ``shift_ids``; all or nothing: raises
    ``NotYours`` (deleting none) if any of them is someone else's or came from a roster or feed."""
    wanted = set(shift_ids)
    shifts = db.session.scalars(
        sa.select(Shift).where(
            Shift.id.in_(wanted), Shift.person_id == person.id, Shift.source == ShiftSource.MANUAL
        )
    ).all()
    if len(shifts) != len(wanted):
        raise NotYours
    for shift in shifts:
        db.session.delete(shift)
    db.session.flush()
    return len(shifts)


# CSV -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    added: int
    replaced: int
    people: int


def people_in_units(unit_ids: Iterable[int]) -> dict[str, int]:
    """Lower-case e-mail -> id of everyone holding a role in the units."""
    rows = db.session.execute(
        sa.select(Person.email, Person.id)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.unit_id.in_(list(unit_ids)), Person.email.is_not(None))
        .distinct()
    )
    return {email.lower(): person_id for email, person_id in rows}


def import_csv(unit_id: int, data: bytes) -> ImportResult:
    """Import a roster for the people of ``unit_id`` (and the units below it): every line checked
    first; if any is bad, nothing changes and ``ShiftError`` names each bad line. For each person in
    the file, their shifts starting on the days the file covers for them are replaced."""
    units = unit_ids_below([unit_id])
    found = importer.read_csv(data, people_in_units(units), codes_for(units), local_zone())
    if found and isinstance(found[0], Problem):
        raise ShiftError(found)
    return _replace(found, ShiftSource.CSV)


def _replace(rows: Sequence[ShiftRow], source: ShiftSource, feed_id: int | None = None) -> ImportResult:
    spans: dict[int, tuple[datetime, datetime]] = {}
    for row in rows:
        first, last = spans.get(row.person_id, (row.start, row.start))
        spans[row.person_id] = (min(first, row.start), max(last, row.start))
    replaced = 0
    local = local_zone()
    for person_id, (first, last) in spans.items():
        start_day = first.astimezone(local).date()
        end_day = last.astimezone(local).date() + timedelta(days=1)
        result = db.session.execute(
            sa.delete(Shift).where(
                Shift.person_id == person_id,
                Shift.starts_at >= importer.local_moment(start_day, time(0), local),
                Shift.starts_at < importer.local_moment(end_day, time(0), local),
            )
        )
        replaced += result.rowcount or 0
    db.session.add_all(
        Shift(
            person_id=row.person_id,
            starts_at=row.start,
            ends_at=row.end,
            kind=row.kind,
            code=row.code,
            source=source,
            feed_id=feed_id,
        )
        for row in rows
    )
    db.session.flush()
    return ImportResult(added=len(rows), replaced=replaced, people=len(spans))


# Pushed by a rostering system (the API) ------------------------------------------------------------

MAX_PERIOD = timedelta(days=366)


@dataclass(frozen=True)
class PeriodProblem:
    """What is wrong with shift ``index`` of the list (None: the period itself), in ``field``."""

    index: int | None
    field: str
    message: str


@dataclass(frozen=True)
class PeriodResult:
    added: int
    removed: int
    unchanged: int


def _period_problems(
    start: datetime, end: datetime, wanted: Sequence[tuple[datetime, datetime, str | None]]
) -> list[PeriodProblem]:
    problems: list[PeriodProblem] = []
    if not start < end <= start + MAX_PERIOD:
        problems.append(
            PeriodProblem(None, "end", f"must be after start, and at most {MAX_PERIOD.days} days on.")
        )
    for index, (starts, ends, code) in enumerate(wanted):
        if not start <= starts < end:
            problems.append(PeriodProblem(index, "starts_at", "is not within the period."))
        if not starts < ends <= starts + timedelta(hours=importer.MAX_HOURS):
            problems.append(
                PeriodProblem(
                    index,
                    "ends_at",
                    f"must be after the start and at most {importer.MAX_HOURS} hours on.",
                )
            )
        if code is not None and not 0 < len(code) <= 20:
            problems.append(PeriodProblem(index, "code", "must be 1 to 20 characters."))
    ordered = sorted(range(len(wanted)), key=lambda i: wanted[i][0])
    for earlier, later in itertools.pairwise(ordered):
        if wanted[later][0] < wanted[earlier][1]:
            problems.append(PeriodProblem(later, "starts_at", f"overlaps shift {earlier}."))
    return problems


def replace_period(
    person: Person,
    start: datetime,
    end: datetime,
    wanted: Sequence[tuple[datetime, datetime, str | None]],
) -> PeriodResult | list[PeriodProblem]:
    """Make ``person``'s shifts starting in [start, end) exactly ``wanted`` (start, end, code), from
    whatever source they came; shifts already there are kept as they are, so sending the same
    period twice changes nothing. All or nothing: bad or overlapping shifts (also with shifts just
    outside the period) change nothing and the problems are returned."""
    wanted = [(s.astimezone(UTC), e.astimezone(UTC), c.upper() if c else None) for s, e, c in wanted]
    problems = _period_problems(start, end, wanted)
    if problems:
        return problems
    stored = shifts_of(
        person, start - timedelta(hours=importer.MAX_HOURS), end + timedelta(hours=importer.MAX_HOURS)
    )
    outside = [s for s in stored if not start <= s.starts_at < end]
    for index, (starts, ends, _code) in enumerate(wanted):
        if any(s.starts_at < ends and starts < s.ends_at for s in outside):
            problems.append(PeriodProblem(index, "starts_at", "overlaps a shift outside the period."))
    if problems:
        return problems
    inside = {(s.starts_at, s.ends_at, s.code): s for s in stored if start <= s.starts_at < end}
    gone = [s.id for key, s in inside.items() if key not in set(wanted)]
    new = [item for item in wanted if item not in inside]
    if gone:
        db.session.execute(sa.delete(Shift).where(Shift.id.in_(gone)))
    codes = codes_for(unit_ids_of(person.id)) if new else {}
    db.session.add_all(
        Shift(
            person_id=person.id,
            starts_at=starts,
            ends_at=ends,
            kind=(codes.get(code) if code else None) or shift_kind(starts, ends, local_zone()),
            code=code,
            source=ShiftSource.API,
        )
        for starts, ends, code in new
    )
    db.session.flush()
    return PeriodResult(added=len(new), removed=len(gone), unchanged=len(wanted) - len(new))


# iCalendar feeds ---------------------------------------------------------------------------------


def add_feed(url: str, *, person: Person | None = None, unit_id: int | None = None) -> ShiftFeed:
    try:
        fetching.check_url(url)
    except fetching.FeedRefused as refused:
        raise ShiftError([Problem(refused.message)]) from None
    feed = ShiftFeed(url=url, person_id=person and person.id, unit_id=unit_id)
    db.session.add(feed)
    db.session.flush()
    return feed


def fetch_feed(url: str) -> bytes:
    """The feed's calendar, fetched as :mod:`lms.shifts.fetching` allows."""
    allow_private = bool(current_app.config.get("SHIFT_FEEDS_PRIVATE"))
    return fetching.fetch(url, max_bytes=importer.MAX_BYTES, allow_private=allow_private)


def sync_feed(
    feed: ShiftFeed, now: datetime | None = None, fetch: Callable[[str], bytes] = fetch_feed
) -> ImportResult | None:
    """Fetch the feed and replace its shifts, all or nothing. On failure the shifts stay as they were
    and ``last_error`` says why (without the URL's secret parts). Returns the result, or None on
    failure."""
    now = now or utcnow()
    feed.last_synced_at = now
    try:
        data = fetch(feed.url)
    except fetching.FeedError as error:
        feed.last_error = error.message
        db.session.flush()
        return None
    if feed.person_id is not None:
        units = unit_ids_of(feed.person_id)
        person_id = feed.person_id

        def person_for(_emails: list[str]) -> int | None:
            return person_id
    else:
        units = unit_ids_below([feed.unit_id])
        people = people_in_units(units)

        def person_for(emails: list[str]) -> int | None:
            return next((people[e] for e in emails if e in people), None)

    found = importer.read_ics(data, person_for, codes_for(units), local_zone())
    if found and isinstance(found[0], Problem):
        feed.last_error = "; ".join(str(p) for p in found[:5])
        db.session.flush()
        return None
    rows = _without_clashes(found, feed.id)
    db.session.execute(sa.delete(Shift).where(Shift.feed_id == feed.id))
    db.session.add_all(
        Shift(
            person_id=row.person_id,
            starts_at=row.start,
            ends_at=row.end,
            kind=row.kind,
            code=row.code,
            source=ShiftSource.ICS,
            feed_id=feed.id,
        )
        for row in rows
    )
    feed.last_error = None
    db.session.flush()
    return ImportResult(added=len(rows), replaced=0, people=len({r.person_id for r in rows}))


def _without_clashes(rows: Sequence[ShiftRow], feed_id: int) -> list[ShiftRow]:
    """The feed's rows less those overlapping a shift from elsewhere or an earlier row."""
    kept: list[ShiftRow] = []
    if not rows:
        return kept
    first = min(r.start for r in rows)
    last = max(r.end for r in rows)
    others: dict[int, list[tuple[datetime, datetime]]] = {}
    for person_id, start, end in db.session.execute(
        sa.select(Shift.person_id, Shift.starts_at, Shift.ends_at).where(
            Shift.person_id.in_({r.person_id for r in rows}),
            sa.or_(Shift.feed_id.is_(None), Shift.feed_id != feed_id),
            Shift.starts_at < last,
            Shift.ends_at > first,
        )
    ):
        others.setdefault(person_id, []).append((start, end))
    for row in sorted(rows, key=lambda r: r.start):
        taken = others.setdefault(row.person_id, [])
        if any(row.start < end and start < row.end for start, end in taken):
            continue
        taken.append((row.start, row.end))
        kept.append(row)
    return kept


def sync_due_feeds(now: datetime | None = None) -> int:
    """Sync every feed not synced within ``SYNC_EVERY``; returns how many were tried."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(ShiftFeed).where(
            sa.or_(ShiftFeed.last_synced_at.is_(None), ShiftFeed.last_synced_at < now - SYNC_EVERY)
        )
    ).all()
    for feed in due:
        sync_feed(feed, now)
    return len(due)


# Reading back ------------------------------------------------------------------------------------


def shifts_between(
    person_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[working_time.Shift]]:
    """Each person's shifts overlapping [start, end), as the planner's values, in one query."""
    found: dict[int, list[working_time.Shift]] = {}
    rows = db.session.execute(
        sa.select(Shift.person_id, Shift.starts_at, Shift.ends_at, Shift.kind)
        .where(Shift.person_id.in_(list(person_ids)), Shift.starts_at < end, Shift.ends_at > start)
        .order_by(Shift.person_id, Shift.starts_at)
    )
    for person_id, starts, ends, kind in rows:
        found.setdefault(person_id, []).append(working_time.Shift(starts, ends, kind))
    return found


def shifts_of(person: Person, start: datetime, end: datetime) -> list[Shift]:
    return list(
        db.session.scalars(
            sa.select(Shift)
            .where(Shift.person_id == person.id, Shift.starts_at < end, Shift.ends_at > start)
            .order_by(Shift.starts_at)
        )
    )
