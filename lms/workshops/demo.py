"""The demo's running reflection group, made through the workshop services: "Refleksjonsgruppe:
digital hverdag" at Solbakken sykehjem, four sessions three weeks apart, two already held with
attendance, notes, agreed actions and evaluations."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from lms.content.services import published_versions
from lms.core.time import local_zone
from lms.extensions import db
from lms.organisation.models import Person, Role, RoleAssignment, Unit
from lms.workshops import actions, attendance, evaluations, participants, planning
from lms.workshops.models import ActionStatus

TITLE = "Refleksjonsgruppe: digital hverdag"
DESCRIPTION = """\
En refleksjonsgruppe i ABC-stil for deg som bruker nettbrett, medisinrom-PC og
velferdsteknologi i hverdagen. Vi møtes hver tredje uke ved vaktskiftet, deler erfaringer
og avtaler små tiltak vi prøver ut til neste gang.

Ta gjerne modulene **Trygg innlogging** og **Taushetsplikt digitalt** før første samling."""
AGENDA = """\
10 min Velkommen og runde: hvordan har uka vært?
15 min Oppfølging av tiltakene fra forrige gang
20 min Refleksjon over case
10 min Hva tar vi med oss? Avtale tiltak til neste gang"""
QUESTIONS = [
    "Hva var vanskelig med det digitale denne uka, og hva gikk bra?",
    "Hvordan ivaretar vi taushetsplikten når vi bruker felles PC?",
    "Hva trenger du for å hjelpe en kollega som står fast?",
]
NOTES = (
    # Each session's notes and its agreed actions: text, owner (a member by index, else the
    # facilitator), and whether it is done by now.
    (
        "Gruppen delte erfaringer med pålogging på felles PC ved vaktskiftet. Flere opplever at "
        "det tar tid å logge inn, og at noen lar være å logge ut.\n\nCase: *«Kollegaen som "
        "alltid er pålogget»*.",
        (
            ("Alle logger ut eller låser skjermen når de går fra PC-en", None, True),
            ("Spør IT om raskere innlogging med kort", 0, False),
        ),
    ),
    (
        "Oppfølging: de fleste har låst skjermen, men det glemmes i travle morgenstell. "
        "Vi snakket om hvordan vi minner hverandre på det uten å kritisere.",
        (
            ("Lapp ved PC-en: «Lås med Windows + L»", 1, False),
            ("Finne en case om bilder på privat telefon til neste gang", None, False),
        ),
    ),
)
MODULES = ("trygg-innlogging", "taushetsplikt-digitalt")
EVALUATIONS = (
    (5, "Godt å høre at andre også synes innloggingen er tungvint.", "Litt mer tid til casen."),
    (4, "At jeg skal låse skjermen hver gang.", ""),
    (4, "Tips om hurtigtast for å låse.", "Flere eksempler fra nattevakt."),
)


def add_workshop_history(nursing_home: Unit, staff: list[Person], today: date) -> None:
    """A series on ``nursing_home`` led by its facilitator, with six of its staff invited. The
    invitation mails are written in Bokmål (the demo runs outside a request, where no reader's
    language is known)."""
    with force_locale("nb"):
        _add_series(nursing_home, staff, today)


def _add_series(nursing_home: Unit, staff: list[Person], today: date) -> None:
    facilitator = db.session.scalar(
        sa.select(Person)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.unit_id == nursing_home.id, RoleAssignment.role == Role.FACILITATOR)
        .order_by(Person.name)
        .limit(1)
    )
    if facilitator is None:
        return
    in_unit = set(
        db.session.scalars(
            sa.select(RoleAssignment.person_id).where(RoleAssignment.unit_id == nursing_home.id)
        )
    )
    members = [person for person in staff if person.id in in_unit][:6]
    series = planning.create_series(
        nursing_home,
        facilitator,
        planning.SeriesFields(
            title=TITLE,
            description=DESCRIPTION,
            agenda=planning.parse_agenda(AGENDA),
            questions=QUESTIONS,
            place="Solbakken sykehjem, personalrommet 2. etasje",
            capacity=7,
            module_ids=[v.module_id for v in published_versions() if v.module_id in MODULES],
        ),
    )
    zone = local_zone()
    for weeks in (-6, -3, 1, 4):
        day = today + timedelta(weeks=weeks)
        starts = datetime.combine(day, time(14, 15), tzinfo=zone)
        planning.add_session(series, starts, starts + timedelta(hours=1))
    participants.invite(series, members, facilitator)
    held = series.sessions[:2]
    present_by_session = (members[:5], members[1:6])
    for session, present, (notes, agreed) in zip(held, present_by_session, NOTES, strict=True):
        attendance.set_attendance(
            session, [p.id for p in present], facilitator, now=session.starts_at + timedelta(minutes=5)
        )
        planning.save_notes(session, notes)
        due = (session.starts_at + timedelta(weeks=3)).astimezone(zone).date()
        for text, owner, done in agreed:
            owner_id = facilitator.id if owner is None else members[owner].id
            action = actions.add_action(session, text, owner_id, due)
            if done:
                actions.set_status(action, ActionStatus.DONE, now=session.starts_at)
    for person, (score, takeaway, improve) in zip(members[1:4], EVALUATIONS, strict=True):
        evaluations.submit_evaluation(held[0], person, score, takeaway, improve)
