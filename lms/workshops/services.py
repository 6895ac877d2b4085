"""Workshop series: planning, sign-up and invitations, check-in, notes, evaluation and completion.

Functions change the session and flush; the caller commits. Mail is queued and goes out after the
commit. Statements are recorded by the receivers of the ``workshop_*`` signals in ``lms.signals``.

Completion is decided on every attendance change: the moment a person's attendance reaches the
required share of the series' sessions (``completion.has_completed``), the completion is recorded
once and ``workshop_series_completed`` fires. If a mistaken tick is withdrawn and the person falls
below the share again, the completion is withdrawn too (its statement voided). Closing a series counts
only the sessions actually held, and checks everyone again.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from lms import signals
from lms.core.time import day_and_time, local_zone
from lms.db import utcnow
from lms.extensions import db
from lms.mail import Attachment, queue_mail
from lms.organisation.models import Person, Role, RoleAssignment, Unit
from lms.organisation.services import unit_ids_below
from lms.workshops import ics
from lms.workshops.completion import has_completed, required_sessions
from lms.workshops.models import (
    DEFAULT_SHARE,
    CheckInMethod,
    ParticipantStatus,
    WorkshopAttendance,
    WorkshopEvaluation,
    WorkshopModule,
    WorkshopParticipant,
    WorkshopSeries,
    WorkshopSession,
)

CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
"""Self check-in opens this long before a session starts and closes when it ends."""
NOT_REACHED_WINDOW = timedelta(days=183)
"""A person counts as reached if they took part in a series with a session within about six months."""
MIN_EVALUATIONS_SHOWN = 3
"""The facilitator sees a session's evaluation once this many have answered: with fewer, an answer
could be told apart by who was there."""


class WorkshopError(Exception):
    """A refused action; the message is for the person (already translated)."""


# Planning -------------------------------------------------------------------------------------------

_AGENDA_LINE = re.compile(r"^\s*(\d{1,3})\s*(?:min(?:utter|\.)?)?\s*[:.\-–]?\s+(.+?)\s*$", re.I)


def parse_agenda(text: str) -> list[dict]:
    """Timed steps, one a line: ``10 min Innledning`` (also ``10 Innledning``, ``10: Innledning``).
    Raises WorkshopError naming the first line that is not a step."""
    steps = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _AGENDA_LINE.match(line)
        if not match or not 0 < int(match.group(1)) <= 480:
            raise WorkshopError(
                _(
                    "Linje %(n)s: «%(line)s» er ikke et steg. Skriv minutter først, for eksempel "
                    "«10 min Innledning».",
                    n=number,
                    line=line.strip(),
                )
            )
        steps.append({"minutes": int(match.group(1)), "text": match.group(2)[:300]})
    return steps


def agenda_text(agenda: Sequence[dict]) -> str:
    return "\n".join(f"{step['minutes']} min {step['text']}" for step in agenda)


def parse_questions(text: str) -> list[str]:
    lines = (line.strip().lstrip("-*• ").strip() for line in (text or "").splitlines())
    return [line[:500] for line in lines if line]


@dataclass
class SeriesFields:
    title: str
    description: str = ""
    agenda: list[dict] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    place: str = ""
    capacity: int = 7
    required_share: int = DEFAULT_SHARE
    module_ids: list[str] = field(default_factory=list)


def create_series(unit: Unit, facilitator: Person, fields: SeriesFields) -> WorkshopSeries:
    series = WorkshopSeries(unit=unit, facilitator=facilitator, title="")
    db.session.add(series)
    _apply(series, fields)
    return series


def update_series(series: WorkshopSeries, fields: SeriesFields) -> None:
    _apply(series, fields)


def _apply(series: WorkshopSeries, fields: SeriesFields) -> None:
    series.title = fields.title.strip()
    series.description = fields.description or ""
    series.agenda = list(fields.agenda)
    series.questions = list(fields.questions)
    series.place = (fields.place or "").strip()
    series.capacity = fields.capacity
    series.required_share = fields.required_share
    wanted = list(dict.fromkeys(fields.module_ids))
    series.module_links = [
        next((link for link in series.module_links if link.module_id == module_id), None)
        or WorkshopModule(module_id=module_id)
        for module_id in wanted
    ]
    for position, link in enumerate(series.module_links):
        link.position = position
    db.session.flush()


def local_datetime(day: date, at: time) -> datetime:
    """A wall-clock time in the installation's zone, as an aware datetime. Raises WorkshopError for
    a time that does not exist (the hour skipped when summer time starts)."""
    zone = local_zone()
    moment = datetime.combine(day, at, tzinfo=zone)
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise WorkshopError(
            _(
                "Klokkeslettet %(time)s finnes ikke denne dagen (overgang til sommertid).",
                time=at.strftime("%H:%M"),
            )
        )
    return moment


def session_times(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """Start and end of a session entered as a local date and times; an end before the start is on
    the next day (an evening group that runs past midnight)."""
    starts_at = local_datetime(day, start)
    ends_at = local_datetime(day if end > start else day + timedelta(days=1), end)
    if ends_at - starts_at > timedelta(hours=12):
        raise WorkshopError(_("En samling kan vare høyst 12 timer."))
    return starts_at, ends_at


def add_session(
    series: WorkshopSeries, starts_at: datetime, ends_at: datetime, place: str | None = None
) -> WorkshopSession:
    """A new session; everyone with a place in the series gets an invitation to it."""
    if ends_at <= starts_at:
        raise WorkshopError(_("Slutten må være etter starten."))
    session = WorkshopSession(
        series=series, starts_at=starts_at, ends_at=ends_at, place=(place or "").strip() or None
    )
    db.session.add(session)
    db.session.flush()
    db.session.refresh(series, ["sessions"])
    for participant in _with_place(series):
        _mail_session(participant.person, session, update=False)
    return session


def update_session(
    session: WorkshopSession, starts_at: datetime, ends_at: datetime, place: str | None
) -> bool:
    """Move a session or change its place; if anything changed, the SEQUENCE grows and everyone with
    a place gets the update. Returns whether anything changed."""
    if ends_at <= starts_at:
        raise WorkshopError(_("Slutten må være etter starten."))
    place = (place or "").strip() or None
    if (session.starts_at, session.ends_at, session.place) == (starts_at, ends_at, place):
        return False
    session.starts_at, session.ends_at, session.place = starts_at, ends_at, place
    session.sequence += 1
    session.updated_at = utcnow()
    db.session.flush()
    for participant in _with_place(session.series):
        _mail_session(participant.person, session, update=True)
    return True


def save_notes(session: WorkshopSession, notes: str, actions: str) -> None:
    session.notes = notes or ""
    session.actions = actions or ""
    session.updated_at = utcnow()
    db.session.flush()


# Who takes part ----------------------------------------------------------------------------------


def eligible_unit_ids(series: WorkshopSeries) -> set[int]:
    return unit_ids_below([series.unit_id])


def is_eligible(person: Person, series: WorkshopSeries) -> bool:
    """Whether ``person`` holds a role in the series' unit or a unit below it."""
    query = sa.select(sa.literal(True)).where(
        RoleAssignment.person_id == person.id,
        RoleAssignment.unit_id.in_(eligible_unit_ids(series)),
    )
    return bool(db.session.scalar(query.limit(1)))


def participant_of(series: WorkshopSeries, person: Person | int) -> WorkshopParticipant | None:
    person_id = person if isinstance(person, int) else person.id
    return db.session.scalar(
        sa.select(WorkshopParticipant).filter_by(series_id=series.id, person_id=person_id)
    )


def _with_place(series: WorkshopSeries) -> list[WorkshopParticipant]:
    query = (
        sa.select(WorkshopParticipant)
        .where(
            WorkshopParticipant.series_id == series.id,
            WorkshopParticipant.status != ParticipantStatus.WAITING,
        )
        .options(selectinload(WorkshopParticipant.person))
    )
    return list(db.session.scalars(query))


def seats_taken(series: WorkshopSeries) -> int:
    query = sa.select(sa.func.count()).where(
        WorkshopParticipant.series_id == series.id,
        WorkshopParticipant.status != ParticipantStatus.WAITING,
    )
    return db.session.scalar(query) or 0


def sign_up(series: WorkshopSeries, person: Person) -> WorkshopParticipant:
    """Sign ``person`` up: a place if there is one, else the waiting list. Signing up again changes
    nothing. Raises WorkshopError if the person is outside the series' units or it is closed."""
    existing = participant_of(series, person)
    if existing is not None:
        return existing
    if series.closed_at is not None:
        raise WorkshopError(_("Serien er avsluttet."))
    if not is_eligible(person, series):
        raise WorkshopError(_("Denne serien er for ansatte i %(unit)s.", unit=series.unit.name))
    full = seats_taken(series) >= series.capacity
    participant = WorkshopParticipant(
        series=series,
        person=person,
        status=ParticipantStatus.WAITING if full else ParticipantStatus.SIGNED_UP,
    )
    db.session.add(participant)
    db.session.flush()
    if not full:
        _mail_series(participant, invited=False)
    return participant


def leave(series: WorkshopSeries, person: Person) -> None:
    """Take ``person`` off the series (or its waiting list); the first on the waiting list gets the
    place and an e-mail. Attendance already recorded stays."""
    participant = participant_of(series, person)
    if participant is None:
        return
    had_place = participant.has_place
    db.session.delete(participant)
    db.session.flush()
    if had_place:
        _promote_waiting(series)


def _promote_waiting(series: WorkshopSeries) -> None:
    if seats_taken(series) >= series.capacity:
        return
    first = db.session.scalar(
        sa.select(WorkshopParticipant)
        .filter_by(series_id=series.id, status=ParticipantStatus.WAITING)
        .order_by(WorkshopParticipant.created_at, WorkshopParticipant.id)
        .limit(1)
    )
    if first is not None:
        first.status = ParticipantStatus.SIGNED_UP
        db.session.flush()
        _mail_series(first, invited=False)


def people_to_invite(series: WorkshopSeries, unit_id: int, role: Role | None) -> list[Person]:
    """Active people holding a role (``role``, when given) in ``unit_id`` or below, who have no place
    in the series yet, by name. ``unit_id`` must lie within the series' units."""
    if unit_id not in eligible_unit_ids(series):
        raise WorkshopError(_("Enheten ligger utenfor seriens enhet."))
    held = sa.select(RoleAssignment.person_id).where(
        RoleAssignment.unit_id.in_(unit_ids_below([unit_id]))
    )
    if role is not None:
        held = held.where(RoleAssignment.role == role)
    placed = sa.select(WorkshopParticipant.person_id).where(
        WorkshopParticipant.series_id == series.id,
        WorkshopParticipant.status != ParticipantStatus.WAITING,
    )
    query = (
        sa.select(Person)
        .where(Person.id.in_(held), Person.id.not_in(placed), Person.active.is_(True))
        .order_by(Person.name)
    )
    return list(db.session.scalars(query))


def invite(series: WorkshopSeries, people: Sequence[Person], by: Person) -> list[WorkshopParticipant]:
    """Give each of ``people`` a place and an e-mail invitation with the sessions as iCalendar.
    All or nothing: if they do not all fit, nobody is invited (WorkshopError says how many fit)."""
    if series.closed_at is not None:
        raise WorkshopError(_("Serien er avsluttet."))
    if not people:
        raise WorkshopError(_("Ingen å invitere: alle som passer, har allerede plass."))
    free = series.capacity - seats_taken(series)
    if len(people) > free:
        raise WorkshopError(
            _(
                "Det er %(free)s ledige plasser, men %(n)s å invitere. Ingen er invitert; "
                "velg en mindre gruppe eller øk kapasiteten.",
                free=max(free, 0),
                n=len(people),
            )
        )
    existing = {
        p.person_id: p
        for p in db.session.scalars(
            sa.select(WorkshopParticipant).where(
                WorkshopParticipant.series_id == series.id,
                WorkshopParticipant.person_id.in_([p.id for p in people]),
            )
        )
    }
    invited = []
    for person in people:
        participant = existing.get(person.id)
        if participant is None:
            participant = WorkshopParticipant(series=series, person=person)
            db.session.add(participant)
        participant.status = ParticipantStatus.INVITED
        participant.invited_by_id = by.id
        invited.append(participant)
    db.session.flush()
    for participant in invited:
        _mail_series(participant, invited=True)
    return invited


# Mail ------------------------------------------------------------------------------------------


def series_url(series_id: int) -> str:
    """The participants' page of a series, as a full address (also outside a request: the demo and
    jobs send mail too)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/workshops/series/{series_id}"


def session_url(session: WorkshopSession) -> str:
    return series_url(session.series_id)


def session_ics(session: WorkshopSession, attendee: Person | None = None) -> bytes:
    series = session.series
    return ics.session_calendar(
        session,
        zone=local_zone(),
        url=session_url(session),
        mail_from=current_app.config["MAIL_FROM"],
        attendee=attendee,
        number=series.sessions.index(session) + 1,
    )


def series_ics(series: WorkshopSeries) -> bytes:
    return ics.series_calendar(
        series.sessions,
        zone=local_zone(),
        urls=[session_url(s) for s in series.sessions],
        mail_from=current_app.config["MAIL_FROM"],
    )


def _when(session: WorkshopSession) -> str:
    return day_and_time(session.starts_at, "with year") + "–" + format_datetime(session.ends_at, "HH:mm")


def _attachment(session: WorkshopSession, person: Person) -> Attachment:
    number = session.series.sessions.index(session) + 1
    return Attachment(
        filename=f"samling-{number}.ics",
        content=session_ics(session, person),
        mimetype="text/calendar",
        params={"method": "REQUEST", "charset": "utf-8"},
    )


def _mail_series(participant: WorkshopParticipant, *, invited: bool) -> None:
    person, series = participant.person, participant.series
    if not person.email:
        return
    lines = [
        _("Hei %(name)s,", name=person.name),
        "",
        _("Du er invitert til «%(title)s».", title=series.title)
        if invited
        else _("Du har plass i «%(title)s».", title=series.title),
        "",
    ]
    for session in series.sessions:
        lines.append(f"- {_when(session)}, {session.where}".rstrip(", "))
    lines += [
        "",
        _("Samlingene ligger som kalenderinvitasjoner i e-posten."),
        series_url(series.id),
    ]
    subject = (
        _("Invitasjon: %(title)s", title=series.title)
        if invited
        else _("Påmeldt: %(title)s", title=series.title)
    )
    queue_mail(
        person.email,
        subject,
        "\n".join(lines),
        [_attachment(session, person) for session in series.sessions],
    )


def _mail_session(person: Person, session: WorkshopSession, *, update: bool) -> None:
    if not person.email:
        return
    series = session.series
    subject = (
        _("Endret: %(title)s", title=series.title)
        if update
        else _("Ny samling: %(title)s", title=series.title)
    )
    body = "\n".join(
        [
            _("Hei %(name)s,", name=person.name),
            "",
            _("Samlingen er endret:") if update else _("En ny samling er lagt til:"),
            f"{_when(session)}, {session.where}".rstrip(", "),
            "",
            series_url(series.id),
        ]
    )
    queue_mail(person.email, subject, body, [_attachment(session, person)])


# Check-in and attendance ----------------------------------------------------------------------


def check_in_window(session: WorkshopSession) -> tuple[datetime, datetime]:
    return session.starts_at - CHECK_IN_OPENS_BEFORE, session.ends_at


def check_in_open(session: WorkshopSession, now: datetime) -> bool:
    opens, closes = check_in_window(session)
    return opens <= now <= closes


def check_in_problem(session: WorkshopSession, now: datetime) -> str | None:
    """Why self check-in is closed at ``now`` (too early, or the session is over), or None."""
    opens, closes = check_in_window(session)
    if now < opens:
        return _(
            "Innsjekkingen har ikke åpnet ennå. Den åpner %(time)s.",
            time=day_and_time(opens, "in a sentence"),
        )
    if now > closes:
        return _(
            "Samlingen er over (den sluttet %(time)s), så du kan ikke sjekke inn nå. "
            "Be veilederen føre deg på listen om du var der.",
            time=day_and_time(closes, "in a sentence"),
        )
    return None


def self_check_in(
    session: WorkshopSession, person: Person, now: datetime | None = None
) -> WorkshopAttendance:
    """``person`` checks themselves in (by the QR code at the door). Only from 30 minutes before the
    start until the end; a person of the series' units who had not signed up is signed up (they came).
    Checking in twice changes nothing."""
    now = now or utcnow()
    series = session.series
    problem = check_in_problem(session, now)
    if problem is not None:
        raise WorkshopError(problem)
    participant = participant_of(series, person)
    if participant is None:
        if not is_eligible(person, series):
            raise WorkshopError(_("Denne serien er for ansatte i %(unit)s.", unit=series.unit.name))
        participant = WorkshopParticipant(
            series=series, person=person, status=ParticipantStatus.SIGNED_UP
        )
        db.session.add(participant)
    elif participant.status is ParticipantStatus.WAITING:
        participant.status = ParticipantStatus.SIGNED_UP
    existing = _attendance(session, person.id)
    if existing is not None:
        return existing
    return _mark_present(session, person, CheckInMethod.SELF, by=person, now=now)


def _attendance(session: WorkshopSession, person_id: int) -> WorkshopAttendance | None:
    return db.session.scalar(
        sa.select(WorkshopAttendance).filter_by(session_id=session.id, person_id=person_id)
    )


def _mark_present(
    session: WorkshopSession, person: Person, method: CheckInMethod, *, by: Person, now: datetime
) -> WorkshopAttendance:
    attendance = WorkshopAttendance(
        session=session,
        person=person,
        method=method,
        checked_in_by_id=by.id,
        statement_id=str(uuid.uuid4()),
        checked_in_at=now,
    )
    db.session.add(attendance)
    db.session.flush()
    app = current_app._get_current_object()
    signals.workshop_attended.send(app, attendance=attendance, session=session, series=session.series)
    _settle_completion(session.series, person, now)
    return attendance


def set_attendance(
    session: WorkshopSession, present: Iterable[int], actor: Person, now: datetime | None = None
) -> tuple[int, int]:
    """The facilitator's list: exactly the participants in ``present`` are marked present. Ticks add
    attendance (with its statement); un-ticks remove it and void its statement. Only participants of
    the series can be ticked (WorkshopError otherwise, and nothing changes). Returns (added, removed)."""
    now = now or utcnow()
    series = session.series
    present = set(present)
    participants = {
        p.person_id: p
        for p in db.session.scalars(
            sa.select(WorkshopParticipant)
            .filter_by(series_id=series.id)
            .options(selectinload(WorkshopParticipant.person))
        )
    }
    unknown = present - set(participants)
    if unknown:
        raise WorkshopError(_("Bare deltakere i serien kan føres som til stede."))
    current = {
        a.person_id: a
        for a in db.session.scalars(
            sa.select(WorkshopAttendance)
            .filter_by(session_id=session.id)
            .options(selectinload(WorkshopAttendance.person))
        )
    }
    added = removed = 0
    for person_id in sorted(present - set(current)):
        participant = participants[person_id]
        if participant.status is ParticipantStatus.WAITING:
            participant.status = ParticipantStatus.SIGNED_UP
        _mark_present(session, participant.person, CheckInMethod.FACILITATOR, by=actor, now=now)
        added += 1
    for person_id in sorted(set(current) - present):
        withdraw_attendance(current[person_id], actor, now)
        removed += 1
    return added, removed


def withdraw_attendance(
    attendance: WorkshopAttendance, actor: Person, now: datetime | None = None
) -> None:
    """Remove a mistaken attendance; its statement is voided, and a completion that rested on it."""
    now = now or utcnow()
    session, person = attendance.session, attendance.person
    app = current_app._get_current_object()
    signals.workshop_attendance_withdrawn.send(
        app, attendance=attendance, session=session, series=session.series, actor=actor, now=now
    )
    db.session.query(WorkshopEvaluation).filter_by(session_id=session.id, person_id=person.id).delete()
    db.session.delete(attendance)
    db.session.flush()
    _settle_completion(session.series, person, now)


# Completion -------------------------------------------------------------------------------------


def counted_session_ids(series: WorkshopSeries) -> list[int]:
    """The sessions that make up the series: all of them while it runs; those held once closed."""
    if series.closed_at is None:
        return [s.id for s in series.sessions]
    return [s.id for s in series.sessions if s.starts_at <= series.closed_at]


def _settle_completion(series: WorkshopSeries, person: Person, now: datetime) -> None:
    participant = participant_of(series, person)
    if participant is None:
        return
    attended = db.session.scalars(
        sa.select(WorkshopAttendance.session_id)
        .join(WorkshopSession, WorkshopAttendance.session_id == WorkshopSession.id)
        .where(WorkshopSession.series_id == series.id, WorkshopAttendance.person_id == person.id)
    ).all()
    complete = has_completed(counted_session_ids(series), attended, series.required_share)
    app = current_app._get_current_object()
    if complete and participant.completed_at is None:
        participant.completed_at = now
        participant.completion_statement_id = str(uuid.uuid4())
        db.session.flush()
        signals.workshop_series_completed.send(app, participant=participant, series=series)
    elif not complete and participant.completed_at is not None:
        statement_id = participant.completion_statement_id
        participant.completed_at = None
        participant.completion_statement_id = None
        db.session.flush()
        signals.workshop_completion_withdrawn.send(
            app, participant=participant, series=series, statement_id=statement_id, now=now
        )


def close_series(series: WorkshopSeries, now: datetime | None = None) -> None:
    """Close the series: sessions not yet held no longer count, and everyone is checked again."""
    now = now or utcnow()
    series.closed_at = now
    db.session.flush()
    for participant in _with_place(series):
        _settle_completion(series, participant.person, now)


def required_count(series: WorkshopSeries) -> int:
    return required_sessions(len(counted_session_ids(series)), series.required_share)


# Evaluation -----------------------------------------------------------------------------------


def has_attended(session: WorkshopSession, person: Person) -> bool:
    return _attendance(session, person.id) is not None


def evaluation_by(session: WorkshopSession, person: Person) -> WorkshopEvaluation | None:
    return db.session.scalar(
        sa.select(WorkshopEvaluation).filter_by(session_id=session.id, person_id=person.id)
    )


def submit_evaluation(
    session: WorkshopSession, person: Person, usefulness: int, takeaway: str, improve: str
) -> WorkshopEvaluation:
    if not has_attended(session, person):
        raise WorkshopError(_("Bare de som var på samlingen, kan evaluere den."))
    if evaluation_by(session, person) is not None:
        raise WorkshopError(_("Du har allerede evaluert denne samlingen. Takk!"))
    if not 1 <= usefulness <= 5:
        raise WorkshopError(_("Velg et tall fra 1 til 5."))
    evaluation = WorkshopEvaluation(
        session=session,
        person_id=person.id,
        usefulness=usefulness,
        takeaway=(takeaway or "").strip()[:2000],
        improve=(improve or "").strip()[:2000],
    )
    db.session.add(evaluation)
    db.session.flush()
    return evaluation


@dataclass(frozen=True)
class EvaluationSummary:
    """What the facilitator sees: counts and texts, never who answered what."""

    answers: int
    attended: int
    shown: bool
    average: float | None
    distribution: dict[int, int]
    takeaways: list[str]
    improvements: list[str]


def evaluation_summary(session: WorkshopSession) -> EvaluationSummary:
    rows = db.session.execute(
        sa.select(
            WorkshopEvaluation.usefulness, WorkshopEvaluation.takeaway, WorkshopEvaluation.improve
        ).where(WorkshopEvaluation.session_id == session.id)
    ).all()
    attended = db.session.scalar(
        sa.select(sa.func.count()).where(WorkshopAttendance.session_id == session.id)
    )
    shown = len(rows) >= MIN_EVALUATIONS_SHOWN
    counts = Counter(row.usefulness for row in rows)
    return EvaluationSummary(
        answers=len(rows),
        attended=attended or 0,
        shown=shown,
        average=round(sum(r.usefulness for r in rows) / len(rows), 1) if rows and shown else None,
        distribution={score: counts.get(score, 0) for score in range(1, 6)} if shown else {},
        # Sorted by text, not by time: the order says nothing about who answered when.
        takeaways=sorted((r.takeaway for r in rows if r.takeaway), key=str.casefold) if shown else [],
        improvements=sorted((r.improve for r in rows if r.improve), key=str.casefold) if shown else [],
    )


# Pages' data (a fixed number of queries each) ---------------------------------------------------


def series_with_sessions(series_id: int) -> WorkshopSeries | None:
    return db.session.scalar(
        sa.select(WorkshopSeries)
        .where(WorkshopSeries.id == series_id)
        .options(
            selectinload(WorkshopSeries.sessions),
            selectinload(WorkshopSeries.unit),
            selectinload(WorkshopSeries.facilitator),
        )
    )


@dataclass
class SheetRow:
    person: Person
    status: ParticipantStatus
    present: bool
    method: CheckInMethod | None


def attendance_sheet(session: WorkshopSession) -> list[SheetRow]:
    """Everyone in the series, by name, and whether they are marked present at ``session``."""
    participants = db.session.scalars(
        sa.select(WorkshopParticipant)
        .join(Person, WorkshopParticipant.person_id == Person.id)
        .where(WorkshopParticipant.series_id == session.series_id)
        .options(selectinload(WorkshopParticipant.person))
        .order_by(Person.name)
    ).all()
    present = dict(
        db.session.execute(
            sa.select(WorkshopAttendance.person_id, WorkshopAttendance.method).where(
                WorkshopAttendance.session_id == session.id
            )
        ).all()
    )
    return [
        SheetRow(p.person, p.status, p.person_id in present, present.get(p.person_id))
        for p in participants
    ]


@dataclass
class ParticipantRow:
    participant: WorkshopParticipant
    attended: int


def participant_rows(series: WorkshopSeries) -> list[ParticipantRow]:
    counts = dict(
        db.session.execute(
            sa.select(WorkshopAttendance.person_id, sa.func.count())
            .join(WorkshopSession, WorkshopAttendance.session_id == WorkshopSession.id)
            .where(WorkshopSession.series_id == series.id)
            .group_by(WorkshopAttendance.person_id)
        ).all()
    )
    participants = db.session.scalars(
        sa.select(WorkshopParticipant)
        .join(Person, WorkshopParticipant.person_id == Person.id)
        .where(WorkshopParticipant.series_id == series.id)
        .options(selectinload(WorkshopParticipant.person))
        .order_by(WorkshopParticipant.status != ParticipantStatus.WAITING, Person.name)
    ).all()
    rows = [ParticipantRow(p, counts.get(p.person_id, 0)) for p in participants]
    return sorted(rows, key=lambda r: (not r.participant.has_place, r.participant.person.name))


@dataclass
class MySeries:
    participant: WorkshopParticipant
    series: WorkshopSeries
    next_session: WorkshopSession | None
    open_check_in: WorkshopSession | None
    to_evaluate: list[WorkshopSession]
    attended: int


def my_workshops(person: Person, now: datetime | None = None) -> list[MySeries]:
    """The series ``person`` takes part in, each with the next session, a session open for check-in
    and sessions attended but not yet evaluated; in four queries whatever the number of series."""
    now = now or utcnow()
    participants = db.session.scalars(
        sa.select(WorkshopParticipant)
        .where(WorkshopParticipant.person_id == person.id)
        .options(
            selectinload(WorkshopParticipant.series).selectinload(WorkshopSeries.sessions),
        )
    ).all()
    attended = set(
        db.session.scalars(
            sa.select(WorkshopAttendance.session_id).where(WorkshopAttendance.person_id == person.id)
        )
    )
    evaluated = set(
        db.session.scalars(
            sa.select(WorkshopEvaluation.session_id).where(WorkshopEvaluation.person_id == person.id)
        )
    )
    mine = []
    for participant in participants:
        series = participant.series
        upcoming = [s for s in series.sessions if s.ends_at >= now]
        mine.append(
            MySeries(
                participant=participant,
                series=series,
                next_session=upcoming[0] if upcoming else None,
                open_check_in=next(
                    (s for s in upcoming if check_in_open(s, now) and s.id not in attended), None
                ),
                to_evaluate=[s for s in series.sessions if s.id in attended and s.id not in evaluated],
                attended=sum(1 for s in series.sessions if s.id in attended),
            )
        )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(mine, key=lambda m: m.next_session.starts_at if m.next_session else far)


def open_series_for(person: Person, now: datetime | None = None) -> list[WorkshopSeries]:
    """Series the person could sign up for (their units or a unit above), still running, not joined."""
    now = now or utcnow()
    held = set(
        db.session.scalars(
            sa.select(RoleAssignment.unit_id).where(RoleAssignment.person_id == person.id)
        )
    )
    parents = dict(db.session.execute(sa.select(Unit.id, Unit.parent_id)).all())
    reachable: set[int] = set()
    for unit_id in held:
        while unit_id is not None and unit_id not in reachable:
            reachable.add(unit_id)
            unit_id = parents.get(unit_id)
    joined = sa.select(WorkshopParticipant.series_id).where(WorkshopParticipant.person_id == person.id)
    upcoming = sa.select(WorkshopSession.series_id).where(WorkshopSession.ends_at >= now)
    query = (
        sa.select(WorkshopSeries)
        .where(
            WorkshopSeries.unit_id.in_(reachable),
            WorkshopSeries.closed_at.is_(None),
            WorkshopSeries.id.not_in(joined),
            WorkshopSeries.id.in_(upcoming),
        )
        .options(selectinload(WorkshopSeries.sessions))
        .order_by(WorkshopSeries.title)
    )
    return list(db.session.scalars(query))


def series_in_units(unit_ids: Iterable[int]) -> list[WorkshopSeries]:
    query = (
        sa.select(WorkshopSeries)
        .where(WorkshopSeries.unit_id.in_(list(unit_ids)))
        .options(selectinload(WorkshopSeries.sessions), selectinload(WorkshopSeries.unit))
        .order_by(WorkshopSeries.closed_at.is_not(None), WorkshopSeries.title)
    )
    return list(db.session.scalars(query))


def not_reached(unit_ids: Iterable[int], now: datetime | None = None) -> list[Person]:
    """Active staff of these units who have had no place in any series with a session in the last
    six months or ahead: the people group learning has not reached yet."""
    now = now or utcnow()
    since = now - NOT_REACHED_WINDOW
    staff = sa.select(RoleAssignment.person_id).where(
        RoleAssignment.unit_id.in_(list(unit_ids)), RoleAssignment.role == Role.STAFF
    )
    recent_series = sa.select(WorkshopSession.series_id).where(WorkshopSession.starts_at >= since)
    reached = sa.select(WorkshopParticipant.person_id).where(
        WorkshopParticipant.series_id.in_(recent_series),
        WorkshopParticipant.status != ParticipantStatus.WAITING,
    )
    query = (
        sa.select(Person)
        .where(Person.id.in_(staff), Person.id.not_in(reached), Person.active.is_(True))
        .options(selectinload(Person.roles).selectinload(RoleAssignment.unit))
        .order_by(Person.name)
    )
    return list(db.session.scalars(query))
