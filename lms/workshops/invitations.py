"""Invitation, change and cancellation e-mails with the sessions as iCalendar, and the series'
addresses. Each mail is worded in its recipient's language (their chosen one, else the
installation's), whoever's request sends it."""

from __future__ import annotations

from contextlib import AbstractContextManager

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from lms.core.time import day_and_time, local_zone
from lms.mail import Attachment, queue_mail
from lms.organisation.models import Person
from lms.workshops import ics
from lms.workshops.models import (
    WorkshopParticipant,
    WorkshopSeries,
    WorkshopSession,
)


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
        params={"method": ics.method_of(session), "charset": "utf-8"},
    )


def in_language_of(person: Person) -> AbstractContextManager:
    """Word what follows in ``person``'s language."""
    return force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"])


def mail_series(participant: WorkshopParticipant, *, invited: bool) -> None:
    person, series = participant.person, participant.series
    if not person.email:
        return
    with in_language_of(person):
        lines = [
            _("Hei %(name)s,", name=person.name),
            "",
            _("Du er invitert til «%(title)s».", title=series.title)
            if invited
            else _("Du har plass i «%(title)s».", title=series.title),
            "",
        ]
        for session in series.kept_sessions:
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
        [_attachment(session, person) for session in series.kept_sessions],
    )


def mail_session(person: Person, session: WorkshopSession, *, update: bool) -> None:
    """A new session, a changed one (``update``), or a cancelled one (by its state)."""
    if not person.email:
        return
    series = session.series
    with in_language_of(person):
        if session.cancelled:
            subject = _("Avlyst: %(title)s", title=series.title)
            lead = _("Samlingen er avlyst:")
        elif update:
            subject = _("Endret: %(title)s", title=series.title)
            lead = _("Samlingen er endret:")
        else:
            subject = _("Ny samling: %(title)s", title=series.title)
            lead = _("En ny samling er lagt til:")
        body = "\n".join(
            [
                _("Hei %(name)s,", name=person.name),
                "",
                lead,
                f"{_when(session)}, {session.where}".rstrip(", "),
                "",
                series_url(series.id),
            ]
        )
    queue_mail(person.email, subject, body, [_attachment(session, person)])
