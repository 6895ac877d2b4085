"""A demo municipality, Fjordvik kommune (fictional), for trying Lærevakt out: ``lms demo``.

Everything is made through the real services, from the fixed lists below, so two runs make the same
units and people. The functions flush; the caller (the ``lms demo`` command) commits once.

Fjordvik kommune
  Helse og omsorg
    Hjemmesykepleien sone Nord, Hjemmesykepleien sone Sør       (home nursing)
    Solbakken sykehjem, avdeling 1 (skjermet enhet), avdeling 2  (nursing home)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from lms.accounts.services import set_password
from lms.core.time import local_today
from lms.demo_history import DemoUnits, add_learning_history
from lms.extensions import db
from lms.introduction.demo import add_introduction
from lms.organisation.models import Person, Role, Unit, UnitKind
from lms.organisation.services import create_person, create_unit, grant_role
from lms.planning.demo import add_planning

MUNICIPALITY = "Fjordvik kommune"
SERVICE_AREA = "Helse og omsorg"
ZONE_NORTH = "Hjemmesykepleien sone Nord"
ZONE_SOUTH = "Hjemmesykepleien sone Sør"
WARD_1 = "Solbakken sykehjem, avdeling 1 (skjermet enhet)"
WARD_2 = "Solbakken sykehjem, avdeling 2"
HOME_NURSING = (ZONE_NORTH, ZONE_SOUTH)
NURSING_HOME = (WARD_1, WARD_2)

EMAIL_DOMAIN = "fjordvik.example"
"""Reserved for examples (RFC 2606 style): mail to it never reaches anyone."""

FIRST_PHONE = 40_06_10_00
"""Made-up mobile numbers count up from here, one per person in the order below."""

SHORT_TERM_VIKAR = ("Jonas Lund", "+47 480 12 345", HOME_NURSING[0])
"""A vikar without e-mail (name, mobile, unit) who signs in with a code by SMS; their contract ends
a week after the demo is made (``VIKAR_DAYS_LEFT``)."""
VIKAR_DAYS_LEFT = 7


class PersonSpec(NamedTuple):
    name: str
    job_title: str | None
    roles: tuple[tuple[Role, str], ...]
    """(role, unit name) pairs."""
    description: str


def _leader(name: str, job_title: str | None, description: str, *roles: tuple[Role, str]):
    return PersonSpec(name, job_title, roles, description)


LEADERS = (
    _leader("Kristin Aune", None, "admin, Fjordvik kommune", (Role.ADMIN, MUNICIPALITY)),
    _leader(
        "Anne Lise Kvam",
        "leder",
        "avdelingsleder, hjemmesykepleien",
        *((Role.MANAGER, zone) for zone in HOME_NURSING),
    ),
    _leader(
        "Yusuf Demir",
        "leder",
        "avdelingsleder, Solbakken sykehjem",
        *((Role.MANAGER, ward) for ward in NURSING_HOME),
    ),
    _leader(
        "Camilla Rønning",
        "helsefagarbeider",
        "digital agent (superbruker), hjemmesykepleien",
        (Role.STAFF, ZONE_SOUTH),
        *((Role.FACILITATOR, zone) for zone in HOME_NURSING),
    ),
    _leader(
        "Marianne Strand",
        "sykepleier",
        "fagutviklingssykepleier, Solbakken sykehjem",
        (Role.STAFF, WARD_2),
        *((Role.FACILITATOR, ward) for ward in NURSING_HOME),
    ),
)
"""The admin, the two managers and the two facilitators, in the order the sign-in table shows them."""

STAFF_BY_UNIT: dict[str, tuple[tuple[str, str], ...]] = {
    ZONE_NORTH: (
        ("Ingrid Haugen", "sykepleier"),
        ("Mohammed Ali Hassan", "helsefagarbeider"),
        ("Siri Solberg", "helsefagarbeider"),
        ("Maria Santos", "sykepleier"),
        ("Jonas Bakke", "assistent"),
        ("Agnieszka Nowak", "helsefagarbeider"),
        ("Kristian Lie", "spesialsykepleier"),
        ("Senait Tesfaye", "helsefagarbeider"),
        ("Marte Aas", "vikar"),
        ("Hanne Lund", "sykepleier"),
    ),
    ZONE_SOUTH: (
        ("Tone Eide", "helsefagarbeider"),
        ("Dawit Haile", "helsefagarbeider"),
        ("Olena Kovalenko", "sykepleier"),
        ("Eirik Holm", "sykepleier"),
        ("Amina Yusuf", "assistent"),
        ("Bjørg Nilsen", "helsefagarbeider"),
        ("Emil Sandvik", "laerling"),
        ("Nora Dahl", "vikar"),
        ("Tomas Kazlauskas", "helsefagarbeider"),
    ),
    WARD_1: (
        ("Lan Nguyen", "helsefagarbeider"),
        ("Randi Moe", "helsefagarbeider"),
        ("Ayan Abdi Warsame", "helsefagarbeider"),
        ("Åse Tangen", "sykepleier"),
        ("Jelena Petrović", "sykepleier"),
        ("Guro Vik", "vernepleier"),
        ("Sigrid Ødegård", "spesialsykepleier"),
        ("Ahmad Karimi", "assistent"),
        ("Liv Brekke", "vikar"),
    ),
    WARD_2: (
        ("Hilde Kristiansen", "helsefagarbeider"),
        ("Zainab Rahimi", "helsefagarbeider"),
        ("Aleksander Sæther", "sykepleier"),
        ("Grete Fjeld", "helsefagarbeider"),
        ("Fatima Benali", "assistent"),
        ("Rolando Reyes", "sykepleier"),
        ("Jorunn Myhre", "vernepleier"),
        ("Kjersti Berge", "assistent"),
        ("Sara Mikkelsen", "laerling"),
        ("Ida Østby", "vikar"),
    ),
}
"""Staff without a leading role, by unit. The two facilitators above are staff too."""

STAFF = tuple(
    PersonSpec(name, job_title, ((Role.STAFF, unit),), f"{job_title}, {unit}")
    for unit, people in STAFF_BY_UNIT.items()
    for name, job_title in people
)

SAMPLE_STAFF = ("Ingrid Haugen", "Lan Nguyen")
"""The staff members the sign-in table shows, one from home nursing and one from the nursing home."""


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    job_title: str | None
    roles: tuple[tuple[Role, str], ...]
    description: str

    @property
    def leading_role(self) -> str:
        """The highest role held: admin, manager, facilitator or staff."""
        held = {role for role, _unit in self.roles}
        return next(role.value for role in ROLE_ORDER if role in held)


ROLE_ORDER = (Role.ADMIN, Role.MANAGER, Role.FACILITATOR, Role.STAFF)


@dataclass(frozen=True)
class DemoSummary:
    """Who and what ``build_demo`` made, as plain data."""

    units: tuple[str, ...]
    people: tuple[DemoPerson, ...]

    def featured(self) -> list[DemoPerson]:
        """The admin, managers and facilitators, then the sample staff members."""
        by_name = {person.name: person for person in self.people}
        return [by_name[spec.name] for spec in LEADERS] + [by_name[name] for name in SAMPLE_STAFF]


def database_has_people() -> bool:
    return db.session.scalar(sa.select(sa.literal(True)).select_from(Person).limit(1)) is not None


def build_demo(password: str) -> DemoSummary:
    """Make the demo municipality with everyone signing in with ``password``; flushes, never commits.

    Each step uses what the steps before it made; steps that add more to the demo (learning history,
    workshops, rosters) go after the people.
    """
    units = _add_units()
    people = _add_people(units, password)
    demo_units = DemoUnits(
        area=units[SERVICE_AREA],
        home_nursing=tuple(units[name] for name in HOME_NURSING),
        nursing_home=tuple(units[name] for name in NURSING_HOME),
    )
    add_learning_history(demo_units, _staff(people), local_today())
    manager = db.session.scalar(sa.select(Person).where(Person.name == LEADERS[1].name))
    add_introduction(units[ZONE_NORTH], manager, local_today())
    agent = db.session.scalar(sa.select(Person).where(Person.name == LEADERS[3].name))
    add_planning(demo_units.home_nursing, manager, agent, local_today())
    _add_short_term_vikar(units)
    return DemoSummary(units=tuple(units), people=tuple(people))


def _staff(people: list[DemoPerson]) -> list[Person]:
    """The people who hold only the staff role, in the order they were made."""
    staff_only = [p.email for p in people if p.leading_role == Role.STAFF.value]
    by_email = {
        p.email: p for p in db.session.scalars(sa.select(Person).where(Person.email.in_(staff_only)))
    }
    return [by_email[email] for email in staff_only]


def _add_units() -> dict[str, Unit]:
    municipality = create_unit(MUNICIPALITY, UnitKind.MUNICIPALITY)
    area = create_unit(SERVICE_AREA, UnitKind.SERVICE_AREA, municipality)
    units = {MUNICIPALITY: municipality, SERVICE_AREA: area}
    for name in HOME_NURSING + NURSING_HOME:
        units[name] = create_unit(name, UnitKind.UNIT, area)
    return units


def _add_people(units: dict[str, Unit], password: str) -> list[DemoPerson]:
    made: list[DemoPerson] = []
    emails: set[str] = set()
    for index, spec in enumerate(LEADERS + STAFF):
        email = _email(spec.name, emails)
        emails.add(email)
        _add_person(spec, email, _phone(index), units, password)
        made.append(DemoPerson(spec.name, email, spec.job_title, spec.roles, spec.description))
    return made


def _add_person(
    spec: PersonSpec, email: str, phone: str, units: dict[str, Unit], password: str
) -> Person:
    person = create_person(spec.name, email=email, phone=phone, job_title=spec.job_title)
    set_password(person, password)
    for role, unit_name in spec.roles:
        grant_role(person, units[unit_name], role)
    return person


def _add_short_term_vikar(units: dict[str, Unit]) -> Person:
    name, phone, unit_name = SHORT_TERM_VIKAR
    ends_on = local_today() + timedelta(days=VIKAR_DAYS_LEFT)
    vikar = create_person(name, phone=phone, job_title="vikar", ends_on=ends_on)
    grant_role(vikar, units[unit_name], Role.STAFF)
    return vikar


def _email(name: str, taken: set[str]) -> str:
    """``first.last@fjordvik.example`` in plain ASCII, with a number added if it is taken."""
    parts = name.split()
    local = f"{_ascii(parts[0])}.{_ascii(parts[-1])}"
    candidate, number = local, 1
    while f"{candidate}@{EMAIL_DOMAIN}" in taken:
        number += 1
        candidate = f"{local}{number}"
    return f"{candidate}@{EMAIL_DOMAIN}"


_NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def _ascii(word: str) -> str:
    word = word.lower().translate(_NORWEGIAN_LETTERS)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if char.isascii() and char.isalnum())


def _phone(index: int) -> str:
    digits = str(FIRST_PHONE + index)
    return f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}"


def sign_in_lines(
    summary: DemoSummary, *, base_url: str, password: str, mail_log: Path | None
) -> list[str]:
    """The sign-in details printed after the demo was made: a table of who to try, the password."""
    rows = [("role", "e-mail", "who")]
    rows += [(person.leading_role, person.email, person.description) for person in summary.featured()]
    role_width = max(len(row[0]) for row in rows)
    email_width = max(len(row[1]) for row in rows)
    lines = [f"Sign in at {base_url}/login", ""]
    lines += [f"  {role:<{role_width}}  {email:<{email_width}}  {who}" for role, email, who in rows]
    lines += [
        "",
        f"Password for all {len(summary.people)} demo people: {password}",
        _link_line(base_url, mail_log),
        _vikar_line(base_url),
    ]
    return lines


def already_there_lines(*, base_url: str, mail_log: Path | None) -> list[str]:
    """What ``lms demo --if-empty`` says when the database already has people."""
    return [
        "The database already has people; no demo made.",
        f"Sign in at {base_url}/login. The demo password was printed by the `lms demo` run that",
        "made the demo (on an empty database); without it, sign in with an e-mailed link.",
        _link_line(base_url, mail_log),
    ]


def _vikar_line(base_url: str) -> str:
    name, phone, _unit = SHORT_TERM_VIKAR
    return (
        f"{name}, a vikar without e-mail whose contract ends in {VIKAR_DAYS_LEFT} days, signs in "
        f"with a code by SMS ({base_url}/login/sms, number {phone}); with the `log` SMS gateway the "
        "text lands in sms.log in the instance folder."
    )


def _link_line(base_url: str, mail_log: Path | None) -> str:
    where = f"lands in {mail_log}" if mail_log else "goes out through the configured SMTP server"
    return f"Anyone can also sign in with a link by e-mail ({base_url}/login/link); the mail {where}."
