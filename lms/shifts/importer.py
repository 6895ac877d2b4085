"""Reading rosters: a CSV export and an iCalendar feed, checked entirely before anything changes.

Pure: bytes and plain lookups in, a list of problems or the shifts out. ``services`` feeds the
lookups and applies the result in one transaction.

**CSV.** A header line names the columns, in Norwegian or English: ``e-post``/``email`` (the person),
``dato``/``date`` (``2026-03-29`` or ``29.03.2026``), ``start``/``fra``, ``slutt``/``til``/``end``
(``07:30``), and optionally ``kode``/``code``. Times are local (Europe/Oslo); an end at or before the
start is on the next day (a night shift). Read by :mod:`lms.core.csv_reading` (comma, semicolon or
tab; UTF-8, UTF-16 or Windows-1252).

**Absence reasons are refused.** A roster export sometimes carries a column such as ``fravær``,
``årsak``, ``reason`` or ``merknad``. A shift is only working time, and Lærevakt must never hold why
someone is away, so a file with such a column is refused as a whole (with a message saying which
column to remove) rather than read while skipping it: that way the reason never passes through, and
whoever exports the file learns to leave it out.

**iCalendar.** Each VEVENT with a DTSTART and DTEND that are times (not whole days) is a shift;
whole-day events, cancelled and transparent (free) events are left out, as they are not working time.
The SUMMARY is taken as the shift code only when it is one of the unit's codes, so free text (which
might name a reason) is never stored. In a unit's feed each event names its person by an ATTENDEE
e-mail address.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from lms.core import csv_reading
from lms.core.csv_reading import CsvProblem
from lms.shifts.working_time import ShiftKind, shift_kind

MAX_BYTES = 5 * 1024 * 1024
MAX_HOURS = 16
"""A longer span is taken to be a mistake in the file."""

COLUMN_NAMES = {
    "email": ("e-post", "epost", "email", "e-mail", "person"),
    "date": ("dato", "date"),
    "start": ("start", "fra", "from"),
    "end": ("slutt", "til", "end", "to"),
    "code": ("kode", "code", "vakt", "shift"),
}
REQUIRED = ("email", "date", "start", "end")
REASON_COLUMNS = {
    "fravær",
    "fravaer",
    "fraværsårsak",
    "årsak",
    "arsak",
    "grunn",
    "reason",
    "absence",
    "absence_reason",
    "merknad",
    "kommentar",
    "comment",
    "note",
    "notes",
    "sykdom",
}
_HEADERS = {name: column for column, names in COLUMN_NAMES.items() for name in names}


@dataclass(frozen=True)
class Problem:
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("Linje %(line)s: %(message)s", line=self.line, message=self.message)


@dataclass(frozen=True)
class ShiftRow:
    """A shift read from a file: for ``person_id``, in UTC."""

    person_id: int
    start: datetime
    end: datetime
    kind: ShiftKind
    code: str | None
    line: int | None = None


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """``day`` at ``at`` in ``zone`` as UTC; None when that local time does not exist (the hour
    skipped when the clocks go forward). A time that happens twice is taken the first time."""
    moment = datetime.combine(day, at, tzinfo=zone)
    back = moment.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment.astimezone(UTC)


def shift_times(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """UTC start and end of a shift given in local times; an end at or before the start is on the
    next day. None if either local time does not exist."""
    end_day = day + timedelta(days=1) if end <= start else day
    starts, ends = local_moment(day, start, zone), local_moment(end_day, end, zone)
    if starts is None or ends is None:
        return None
    return starts, ends


def parse_date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def parse_time(value: str) -> time | None:
    text = value.strip().replace(".", ":")
    for pattern in ("%H:%M", "%H%M"):
        try:
            return datetime.strptime(text, pattern).time()
        except ValueError:
            continue
    return None


def read_csv(
    data: bytes,
    people: Mapping[str, int],
    codes: Mapping[str, ShiftKind],
    zone: ZoneInfo,
) -> list[ShiftRow] | list[Problem]:
    """Every shift in the file, or every problem with it (in line order). ``people`` maps lower-case
    e-mail addresses of the people the importer may act on to their ids; ``codes`` the unit's codes
    (upper case) to kinds."""
    try:
        file = csv_reading.read_csv(data, MAX_BYTES)
    except CsvProblem as problem:
        return [Problem(problem.message, problem.line)]
    columns: list[str | None] = []
    problems: list[Problem] = []
    for cell in file.header:
        name = cell.strip().casefold()
        if name in REASON_COLUMNS:
            problems.append(
                Problem(
                    _(
                        "kolonnen «%(name)s» ser ut til å gi fraværsårsaker. Lærevakt lagrer bare "
                        "arbeidstid, aldri hvorfor noen er borte: fjern kolonnen og prøv igjen.",
                        name=cell.strip(),
                    ),
                    line=1,
                )
            )
            columns.append(None)
        elif not name:
            columns.append(None)
        elif name in _HEADERS:
            columns.append(_HEADERS[name])
        else:
            problems.append(Problem(_("kolonnen «%(name)s» er ukjent.", name=cell.strip()), line=1))
            columns.append(None)
    for column in REQUIRED:
        if column not in columns:
            problems.append(
                Problem(_("mangler kolonnen «%(name)s».", name=COLUMN_NAMES[column][0]), line=1)
            )
    if problems:
        return problems
    rows: list[ShiftRow] = []
    try:
        for record in file.records:
            cells = {c: v.strip() for c, v in zip(columns, record.cells, strict=False) if c}
            found = _read_line(record.line, cells, people, codes, zone)
            if isinstance(found, Problem):
                problems.append(found)
            else:
                rows.append(found)
    except CsvProblem as problem:
        problems.append(Problem(problem.message, problem.line))
    problems.extend(_overlaps(rows))
    if not rows and not problems:
        problems.append(Problem(_("Filen har ingen vakter.")))
    return sorted(problems, key=lambda p: p.line or 0) if problems else rows


def _read_line(
    line: int,
    cells: Mapping[str, str],
    people: Mapping[str, int],
    codes: Mapping[str, ShiftKind],
    zone: ZoneInfo,
) -> ShiftRow | Problem:
    email = cells.get("email", "").lower()
    person_id = people.get(email)
    if not email:
        return Problem(_("e-post mangler."), line)
    if person_id is None:
        return Problem(_("fant ingen person med e-post «%(email)s» i dine enheter.", email=email), line)
    day = parse_date(cells.get("date", ""))
    if day is None:
        return Problem(
            _("datoen «%(value)s» er ikke en dato (ÅÅÅÅ-MM-DD).", value=cells.get("date", "")), line
        )
    start, end = parse_time(cells.get("start", "")), parse_time(cells.get("end", ""))
    if start is None or end is None:
        return Problem(_("start og slutt må være klokkeslett (TT:MM)."), line)
    times = shift_times(day, start, end, zone)
    if times is None:
        return Problem(_("klokkeslettet finnes ikke den dagen (sommertid)."), line)
    starts, ends = times
    if ends - starts > timedelta(hours=MAX_HOURS):
        return Problem(_("vakten er lengre enn %(hours)s timer.", hours=MAX_HOURS), line)
    code = cells.get("code") or None
    if code and len(code) > 20:
        return Problem(_("koden er lengre enn 20 tegn."), line)
    kind = codes.get(code.upper()) if code else None
    return ShiftRow(person_id, starts, ends, kind or shift_kind(starts, ends, zone), code, line)


def _overlaps(rows: list[ShiftRow]) -> list[Problem]:
    problems = []
    by_person: dict[int, list[ShiftRow]] = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    for shifts in by_person.values():
        shifts.sort(key=lambda r: r.start)
        for earlier, later in itertools.pairwise(shifts):
            if later.start < earlier.end:
                problems.append(
                    Problem(
                        _("vakten overlapper vakten på linje %(line)s.", line=earlier.line), later.line
                    )
                )
    return problems


# iCalendar ---------------------------------------------------------------------------------------


def read_ics(
    data: bytes,
    person_for: Callable[[list[str]], int | None],
    codes: Mapping[str, ShiftKind],
    zone: ZoneInfo,
) -> list[ShiftRow] | list[Problem]:
    """The shifts in an iCalendar feed, or its problems. ``person_for(attendee_emails)`` gives the
    person an event belongs to (a person's own feed ignores the attendees)."""
    import icalendar

    if len(data) > MAX_BYTES:
        return [Problem(_("Kalenderen er større enn 5 MB."))]
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        return [Problem(_("Kalenderen kan ikke leses: %(error)s", error=str(error)[:200]))]
    rows: list[ShiftRow] = []
    problems: list[Problem] = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        status = str(event.get("STATUS", "")).upper()
        transparent = str(event.get("TRANSP", "")).upper() == "TRANSPARENT"
        if status == "CANCELLED" or transparent or "DTSTART" not in event:
            continue
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND") if "DTEND" in event else None
        if end is None and "DURATION" in event:
            end = start + event.decoded("DURATION")
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            continue  # a whole-day event is not working time
        start, end = _aware(start, zone), _aware(end, zone)
        where = _("hendelse %(number)s (%(uid)s)", number=number, uid=str(event.get("UID", "?"))[:80])
        if end <= start or end - start > timedelta(hours=MAX_HOURS):
            message = _("%(where)s: slutten er ikke 0-16 timer etter starten.", where=where)
            problems.append(Problem(message))
            continue
        attendees = event.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        emails = [str(a).removeprefix("mailto:").removeprefix("MAILTO:").lower() for a in attendees]
        person_id = person_for(emails)
        if person_id is None:
            problems.append(Problem(_("%(where)s: fant ingen person for hendelsen.", where=where)))
            continue
        summary = str(event.get("SUMMARY", "")).strip().upper()
        code = summary if summary in codes else None
        kind = codes[code] if code else shift_kind(start.astimezone(UTC), end.astimezone(UTC), zone)
        rows.append(ShiftRow(person_id, start.astimezone(UTC), end.astimezone(UTC), kind, code))
    if problems:
        return problems
    return rows


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """Floating times in a feed are the installation's local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def mask_url(url: str) -> str:
    """A feed URL as pages show it: scheme and host, and the last four characters."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    tail = url[-4:] if len(url) > 12 else ""
    return f"{scheme}://{host}/…{tail}" if rest else "…"
