"""Reading a CSV file of people and checking every line before anything changes.

Pure: bytes and plain lookups in, a list of problems or a plan out. Nothing here touches the database;
``services.import_people`` feeds the lookups and applies the plan in one transaction.

The file has a header line naming its columns, in Norwegian or English (``navn``/``name``,
``e-post``/``email``, ``telefon``/``phone``, ``enhet``/``unit``, ``rolle``/``role``,
``stilling``/``job_title``, ``startdato``/``start_date``, ``sluttdato``/``ends_on``), read by
:mod:`lms.core.csv_reading` (comma, semicolon or tab; UTF-8, UTF-16 or Windows-1252). Each line
gives one person one role on one unit; several lines may give the same person (by e-mail) several
roles. An empty telephone, job title, start date or end date cell leaves what is stored as it is; a
new person without a start date starts the day they are imported. Phone numbers are stored in
E.164; a date is written 2026-12-31 or 31.12.2026.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.core.csv_reading import CsvFile, CsvProblem, read_csv
from lms.organisation.models import JOB_TITLES, ROLE_LABELS, Role
from lms.organisation.phones import BadPhoneNumber, normalise_phone

MAX_BYTES = 2 * 1024 * 1024
"""Files above this size are refused before they are read."""

MAX_NAME = 200
MAX_EMAIL = 254

COLUMN_NAMES = {
    "name": ("navn", "name"),
    "email": ("e-post", "epost", "email", "e-mail"),
    "phone": ("telefon", "phone", "mobil", "mobile"),
    "unit": ("enhet", "unit"),
    "role": ("rolle", "role"),
    "job_title": ("stilling", "job_title", "job title", "jobtitle"),
    "start_date": ("startdato", "start_date", "start date", "tiltredelse"),
    "ends_on": ("sluttdato", "slutt", "ends_on", "end date"),
}
"""Our name for each column, and the header names accepted for it."""

REQUIRED_COLUMNS = ("name", "email", "unit", "role")

COLUMN_LABELS = {
    "name": _l("navn"),
    "email": _l("e-post"),
    "phone": _l("telefon"),
    "unit": _l("enhet"),
    "role": _l("rolle"),
    "job_title": _l("stilling"),
    "start_date": _l("startdato"),
    "ends_on": _l("sluttdato"),
}

ROLE_NAMES = {
    "staff": Role.STAFF,
    "ansatt": Role.STAFF,
    "facilitator": Role.FACILITATOR,
    "veileder": Role.FACILITATOR,
    "manager": Role.MANAGER,
    "leder": Role.MANAGER,
    "admin": Role.ADMIN,
    "administrator": Role.ADMIN,
}

_HEADER_TO_COLUMN = {header: column for column, names in COLUMN_NAMES.items() for header in names}
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


@dataclass(frozen=True)
class Problem:
    """Why the file cannot be imported: where (line in the file, header is 1; column) and what."""

    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.line is not None and self.column is not None:
            label = str(COLUMN_LABELS[self.column])
            return _(
                "Linje %(line)s, %(column)s: %(message)s",
                line=self.line,
                column=label,
                message=self.message,
            )
        if self.line is not None:
            return _("Linje %(line)s: %(message)s", line=self.line, message=self.message)
        return self.message


@dataclass(frozen=True)
class UnitRef:
    """A unit the importing admin acts on, with the names from the root down to it."""

    id: int
    path: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def path_text(self) -> str:
        return " / ".join(self.path)


@dataclass(frozen=True)
class PersonRef:
    """A person already stored, found by e-mail."""

    id: int
    name: str
    phone: str | None
    job_title: str | None
    roles: frozenset[tuple[int, Role]]
    in_scope: bool
    """Whether they hold a role in one of the importing admin's units."""
    account_in_scope: bool
    """Whether every role they hold is in the importing admin's units, so the admin may change their
    name, phone, job title and end date (``lms.access.can_act_on_account``)."""
    start_date: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class Row:
    """One line of the file: its number and its cells by our column names (stripped, maybe empty)."""

    line: int
    cells: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class PersonPlan:
    """What the import will do to one person: create them or change some fields, and grant roles."""

    email: str
    name: str
    phone: str | None
    job_title: str | None
    first_line: int
    ends_on: date | None = None
    existing_id: int | None = None
    changes: dict[str, object] = field(default_factory=dict)
    new_roles: list[tuple[int, Role]] = field(default_factory=list)
    start_date: date | None = None
    held_roles: frozenset[tuple[int, Role]] = frozenset()
    """The roles an existing person holds already (so the import knows who is new to a unit)."""

    @property
    def is_new(self) -> bool:
        return self.existing_id is None

    @property
    def changes_anything(self) -> bool:
        return self.is_new or bool(self.changes) or bool(self.new_roles)


@dataclass
class Plan:
    people: list[PersonPlan]

    @property
    def created(self) -> int:
        return sum(1 for p in self.people if p.is_new)

    @property
    def updated(self) -> int:
        return sum(1 for p in self.people if not p.is_new and p.changes_anything)

    @property
    def unchanged(self) -> int:
        return sum(1 for p in self.people if not p.changes_anything)

    @property
    def roles_granted(self) -> int:
        return sum(len(p.new_roles) for p in self.people)


# Reading the file -----------------------------------------------------------------------------------


def read_rows(data: bytes) -> tuple[list[Row], list[Problem]]:
    """The data lines of the file as rows; or the problems with the file and its header."""
    try:
        file = read_csv(data, MAX_BYTES)
    except CsvProblem as problem:
        return [], [Problem(problem.message, line=problem.line)]
    columns, problems = _read_header(file.header)
    if problems:
        return [], problems
    rows, problems = _read_body(file, columns)
    if not rows and not problems:
        problems.append(Problem(_("Filen har bare overskriftslinjen, ingen personer.")))
    return rows, problems


def _read_header(header: list[str]) -> tuple[list[str | None], list[Problem]]:
    """Our column name for each position (None for an empty header cell), or the header's problems."""
    columns: list[str | None] = []
    problems: list[Problem] = []
    known = ", ".join(names[0] for names in COLUMN_NAMES.values())
    for cell in header:
        name = cell.strip().casefold()
        if not name:
            columns.append(None)
            continue
        column = _HEADER_TO_COLUMN.get(name)
        if column is None:
            message = _(
                "kolonnen «%(name)s» er ukjent. Kjente kolonner: %(known)s.",
                name=cell.strip(),
                known=known,
            )
            problems.append(Problem(message, line=1))
        elif column in columns:
            problems.append(Problem(_("kolonnen «%(name)s» står to ganger.", name=cell.strip()), line=1))
        columns.append(column)
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            names = " / ".join(f"«{name}»" for name in COLUMN_NAMES[column])
            problems.append(Problem(_("mangler kolonnen %(names)s.", names=names), line=1))
    return columns, problems


def _read_body(file: CsvFile, columns: list[str | None]) -> tuple[list[Row], list[Problem]]:
    rows: list[Row] = []
    problems: list[Problem] = []
    try:
        for record in file.records:
            values = [value.strip() for value in record.cells]
            if any(values[len(columns) :]):
                message = _("har flere felt enn overskriften. Sjekk skilletegn og anførselstegn.")
                problems.append(Problem(message, line=record.line))
                continue
            cells = {column: value for column, value in zip(columns, values, strict=False) if column}
            rows.append(Row(line=record.line, cells=cells))
    except CsvProblem as problem:
        problems.append(Problem(problem.message, line=problem.line))
    return rows, problems


# Checking the lines ---------------------------------------------------------------------------------


def plan_import(
    rows: Iterable[Row], units: Iterable[UnitRef], people: Mapping[str, PersonRef]
) -> Plan | list[Problem]:
    """Check every row against the admin's ``units`` and the stored ``people`` (by lower-case e-mail).

    Returns the plan if every row is good, else every problem found, in line order.
    """
    finder = UnitFinder(units)
    problems: list[Problem] = []
    planned: dict[str, PersonPlan] = {}
    for row in rows:
        row_problems = _check_row(row, finder, people, planned)
        problems.extend(row_problems)
    if problems:
        return problems
    return Plan(people=list(planned.values()))


def _check_row(
    row: Row, finder: UnitFinder, people: Mapping[str, PersonRef], planned: dict[str, PersonPlan]
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(message, line=row.line, column=column))

    name = check_name(row.get("name"), problem)
    email = check_email(row.get("email"), problem)
    phone = check_phone(row.get("phone"), problem)
    job_title = check_job_title(row.get("job_title"), problem)
    start_date = check_date("start_date", row.get("start_date"), problem)
    ends_on = check_date("ends_on", row.get("ends_on"), problem)
    role = _check_role(row.get("role"), problem)
    unit = finder.find(row.get("unit"), problem)

    existing = people.get(email) if email else None
    if existing is not None and not existing.in_scope:
        problem(
            "email",
            _(
                "«%(email)s» tilhører en person som ikke har noen rolle i enhetene du administrerer. "
                "Be en administrator for deres enhet om å gi rollen.",
                email=email,
            ),
        )
    if problems or email is None or unit is None or role is None:
        return problems
    plan = planned.get(email)
    changed_before = set(plan.changes) if plan else set()
    if plan is None:
        plan = planned[email] = _new_plan(row, email, name, phone, job_title, existing)
        _plan_start(plan, start_date, existing)
        _plan_ends_on(plan, ends_on, existing)
    else:
        _merge(plan, row, name, phone, job_title, problem)
        _merge_ends_on(plan, ends_on, problem)
    if existing is not None and not existing.account_in_scope:
        for column in sorted(set(plan.changes) - changed_before):
            problem(
                column,
                _(
                    "%(email)s har også roller i enheter du ikke administrerer, så du kan ikke endre "
                    "dette feltet. La det stå tomt eller som det er.",
                    email=email,
                ),
            )
    _add_role(plan, (unit.id, role), existing)
    return problems


# The checks of one field, shared with the HR sync (``lms.organisation.sync``): each takes the value
# and ``problem(column, message)``, and returns the value to store (None if it is bad or empty).


def check_name(value: str, problem) -> str:
    name = " ".join(value.split())
    if not name:
        problem("name", _("feltet er tomt."))
    elif len(name) > MAX_NAME:
        problem("name", _("navnet er lengre enn %(count)s tegn.", count=MAX_NAME))
    return name


def check_email(value: str, problem) -> str | None:
    if not value:
        problem("email", _("feltet er tomt."))
        return None
    if len(value) > MAX_EMAIL:
        problem("email", _("e-postadressen er lengre enn %(count)s tegn.", count=MAX_EMAIL))
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        problem("email", _("«%(value)s» er ikke en gyldig e-postadresse.", value=value))
        return None
    return value.lower()


def check_phone(value: str, problem) -> str | None:
    """The number in E.164 (``+4791234567``; without a country code it is read as Norwegian)."""
    if not value:
        return None
    try:
        return normalise_phone(value)
    except BadPhoneNumber:
        problem("phone", _("«%(value)s» er ikke et gyldig telefonnummer.", value=value))
        return None


def check_date(column: str, value: str, problem) -> date | None:
    """A date in ``column`` written 2026-12-31 or 31.12.2026 (empty: none given)."""
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    problem(
        column,
        _("«%(value)s» er ikke en dato. Skriv for eksempel 31.12.2026 eller 2026-12-31.", value=value),
    )
    return None


def _plan_start(plan: PersonPlan, start_date: date | None, existing: PersonRef | None) -> None:
    """A new person's start date; for a stored one, a change when the file gives another."""
    plan.start_date = start_date
    if existing is not None:
        plan.held_roles = existing.roles
        if start_date is not None and start_date != existing.start_date:
            plan.changes["start_date"] = start_date


def _fold(text: str) -> str:
    return text.casefold().translate(_FOLD).strip()


def check_job_title(value: str, problem) -> str | None:
    if not value:
        return None
    wanted = _fold(value)
    for code, label in JOB_TITLES.items():
        if wanted in (code, _fold(str(label))):
            return code
    labels = ", ".join(str(label) for label in JOB_TITLES.values())
    problem(
        "job_title",
        _("«%(value)s» er ikke en kjent stilling. Kjente: %(labels)s.", value=value, labels=labels),
    )
    return None


def _check_role(value: str, problem) -> Role | None:
    if not value:
        problem("role", _("feltet er tomt."))
        return None
    wanted = value.casefold()
    role = ROLE_NAMES.get(wanted)
    if role is None:
        role = next((r for r, label in ROLE_LABELS.items() if str(label).casefold() == wanted), None)
    if role is None:
        known = ", ".join(str(label).lower() for label in ROLE_LABELS.values())
        problem(
            "role", _("«%(value)s» er ikke en kjent rolle. Kjente: %(known)s.", value=value, known=known)
        )
    return role


def _new_plan(
    row: Row, email: str, name: str, phone: str | None, job_title: str | None, existing: PersonRef | None
) -> PersonPlan:
    plan = PersonPlan(email=email, name=name, phone=phone, job_title=job_title, first_line=row.line)
    if existing is not None:
        plan.existing_id = existing.id
        wanted = {"name": name, "phone": phone, "job_title": job_title}
        stored = {"name": existing.name, "phone": existing.phone, "job_title": existing.job_title}
        plan.changes = {k: v for k, v in wanted.items() if v is not None and v != stored[k]}
    return plan


def _merge(
    plan: PersonPlan, row: Row, name: str, phone: str | None, job_title: str | None, problem
) -> None:
    """A later line for the same e-mail: it must agree with the first on name, phone and job title."""
    if name.casefold() != plan.name.casefold():
        problem(
            "name",
            _(
                "e-posten %(email)s står også på linje %(line)s med et annet navn («%(name)s»).",
                email=plan.email,
                line=plan.first_line,
                name=plan.name,
            ),
        )
    for column, value in (("phone", phone), ("job_title", job_title)):
        earlier = getattr(plan, column)
        if value is not None and earlier is not None and value != earlier:
            problem(
                column,
                _(
                    "er ulik linje %(line)s for samme e-post (%(email)s).",
                    line=plan.first_line,
                    email=plan.email,
                ),
            )
        elif value is not None and earlier is None:
            setattr(plan, column, value)
            if not plan.is_new:
                plan.changes[column] = value


def _add_role(plan: PersonPlan, key: tuple[int, Role], existing: PersonRef | None) -> None:
    if existing is not None and key in existing.roles:
        return
    if key not in plan.new_roles:
        plan.new_roles.append(key)


class UnitFinder:
    """Finds a unit by name (case-insensitive), or by its path ``Kommune / Område / Enhet`` (or the
    end of it) when the name alone is ambiguous."""

    def __init__(self, units: Iterable[UnitRef]) -> None:
        self.units = list(units)

    def matching(self, value: str) -> list[UnitRef]:
        wanted = value.casefold()
        found = [u for u in self.units if u.name.casefold() == wanted]
        if found or "/" not in value:
            return found
        parts = tuple(part.strip().casefold() for part in value.split("/"))
        return [u for u in self.units if tuple(p.casefold() for p in u.path[-len(parts) :]) == parts]

    def find(self, value: str, problem) -> UnitRef | None:
        if not value:
            problem("unit", _("feltet er tomt."))
            return None
        found = self.matching(" ".join(value.split()))
        if len(found) == 1:
            return found[0]
        if not found:
            problem(
                "unit", _("fant ingen enhet «%(value)s» blant enhetene du administrerer.", value=value)
            )
            return None
        paths = "; ".join(f"«{u.path_text}»" for u in sorted(found, key=lambda u: u.path_text))
        problem(
            "unit",
            _(
                "det finnes flere enheter som heter «%(value)s». Skriv hele stien med / mellom "
                "nivåene, en av: %(paths)s.",
                value=value,
                paths=paths,
            ),
        )
        return None


def prepare(data: bytes, units: Iterable[UnitRef], find_people) -> Plan | list[Problem]:
    """Read and check the whole file. ``find_people(emails)`` returns the stored people by e-mail."""
    rows, problems = read_rows(data)
    if problems:
        return problems
    emails = {row.get("email").lower() for row in rows if row.get("email")}
    return plan_import(rows, units, find_people(emails))


def _plan_ends_on(plan: PersonPlan, ends_on: date | None, existing: PersonRef | None) -> None:
    plan.ends_on = ends_on
    if existing is not None and ends_on is not None and ends_on != existing.ends_on:
        plan.changes["ends_on"] = ends_on


def _merge_ends_on(plan: PersonPlan, ends_on: date | None, problem) -> None:
    """A later line for the same e-mail: its end date, if any, must agree with the first one given."""
    if ends_on is None:
        return
    if plan.ends_on is not None and plan.ends_on != ends_on:
        problem(
            "ends_on",
            _(
                "er ulik linje %(line)s for samme e-post (%(email)s).",
                line=plan.first_line,
                email=plan.email,
            ),
        )
    elif plan.ends_on is None:
        plan.ends_on = ends_on
        if not plan.is_new:
            plan.changes["ends_on"] = ends_on
