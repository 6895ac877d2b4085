"""The facilitators' pages of workshops: planning a series and its sessions, invitations, the
attendance list, the door's QR code, evaluations and the slot finder (a session's notes, actions,
agenda and cancellation are in ``session_views``). They are on
the workshops blueprint (``lms.workshops.blueprint``), so their endpoints keep the ``workshops.``
names."""

from __future__ import annotations

import io
from datetime import date, time

import segno
from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.access import for_unit
from lms.audit.services import record_by_user
from lms.content.services import published_versions
from lms.core.errors import INVALID
from lms.core.time import local_zone
from lms.core.urls import row_id
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.forms import unit_choices
from lms.organisation.models import ROLE_LABELS, Role, Unit
from lms.organisation.services import unit_ids_below, units_in
from lms.text import render_markdown
from lms.workshops import pages, participants, planning
from lms.workshops.attendance import (
    check_in_window,
    close_series,
    required_count,
    set_attendance,
)
from lms.workshops.blueprint import bp
from lms.workshops.errors import WorkshopError
from lms.workshops.evaluations import (
    MIN_EVALUATIONS_SHOWN,
    evaluation_summary,
)
from lms.workshops.forms import InviteForm, SeriesForm, SessionForm
from lms.workshops.models import WorkshopSeries, WorkshopSession
from lms.workshops.views import led_series, led_session, session_number


@bp.route("/units/<int:unit_id>/")
@for_unit()
def unit(unit_id: int):
    """The facilitator's overview: the series of the unit and below, and who has not been reached."""
    unit = db.get_or_404(Unit, unit_id)
    unit_ids = unit_ids_below([unit_id])
    return render_template(
        "workshops/unit.html",
        unit=unit,
        series_list=pages.series_in_units(unit_ids),
        not_reached=pages.not_reached(unit_ids),
        now=utcnow(),
    )


def _series_form(series: WorkshopSeries | None = None) -> SeriesForm:
    form = SeriesForm(obj=series if request.method == "GET" else None)
    locale = str(get_locale())
    titled = sorted(((v.title(locale), v.module_id) for v in published_versions()), key=_casefolded)
    form.modules.choices = [SelectChoice(module_id, title) for title, module_id in titled]
    if request.method == "GET" and series is not None:
        form.agenda.data = planning.agenda_text(series.agenda)
        form.questions.data = "\n".join(series.questions)
        form.modules.data = [link.module_id for link in series.module_links]
    if request.method == "GET" and series is None:
        form.agenda.data = default_agenda()
    return form


def _casefolded(titled: tuple[str, str]) -> str:
    return titled[0].casefold()


def default_agenda() -> str:
    """A reflection meeting's usual steps, in the planner's language, to start a new series from."""
    steps = (
        (10, _("Innledning og runde rundt bordet")),
        (15, _("Oppfølging av tiltak fra forrige gang")),
        (20, _("Refleksjon over case")),
        (10, _("Hva tar vi med oss? Avtale tiltak")),
    )
    return planning.agenda_text([{"minutes": minutes, "text": text} for minutes, text in steps])


def _fields(form: SeriesForm) -> planning.SeriesFields | None:
    try:
        agenda = planning.parse_agenda(form.agenda.data)
    except WorkshopError as problem:
        form.agenda.errors.append(str(problem))
        return None
    return planning.SeriesFields(
        title=form.title.data,
        description=form.description.data or "",
        agenda=agenda,
        questions=planning.parse_questions(form.questions.data),
        place=form.place.data or "",
        capacity=form.capacity.data,
        required_share=form.required_share.data,
        module_ids=form.modules.data or [],
    )


@bp.route("/units/<int:unit_id>/series/new", methods=["GET", "POST"])
@for_unit()
def new_series(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    form = _series_form()
    if form.validate_on_submit():
        fields = _fields(form)
        if fields is not None:
            series = planning.create_series(unit, current_user, fields)
            record_by_user("workshop.plan", "workshop_series", series.id, {"step": "series.create"})
            flash(_("Serien er opprettet. Legg til samlingene."), "success")
            return redirect(url_for("workshops.manage", unit_id=unit.id, series_id=series.id))
    page = render_template("workshops/series_form.html", form=form, unit=unit, series=None)
    return page, (INVALID if form.errors else 200)


@bp.route("/units/<int:unit_id>/series/<int:series_id>/edit", methods=["GET", "POST"])
@for_unit()
def edit_series(unit_id: int, series_id: int):
    series = led_series(unit_id, series_id)
    form = _series_form(series)
    if form.validate_on_submit():
        fields = _fields(form)
        if fields is not None:
            planning.update_series(series, fields)
            record_by_user("workshop.plan", "workshop_series", series.id, {"step": "series.update"})
            flash(_("Serien er lagret."), "success")
            return redirect(url_for("workshops.manage", unit_id=unit_id, series_id=series.id))
    page = render_template("workshops/series_form.html", form=form, unit=series.unit, series=series)
    return page, (INVALID if form.errors else 200)


def _invite_form(series: WorkshopSeries) -> InviteForm:
    form = InviteForm(prefix="invite")
    form.unit.choices = unit_choices(units_in(participants.eligible_unit_ids(series)))
    form.role.choices = [SelectChoice("", _("Alle roller"))] + [
        SelectChoice(role.value, str(label)) for role, label in ROLE_LABELS.items()
    ]
    return form


def _render_manage(series, session_form=None, invite_form=None, status=200):
    page = render_template(
        "workshops/manage.html",
        series=series,
        description=render_markdown(series.description),
        rows=pages.participant_rows(series),
        seats_taken=participants.seats_taken(series),
        required=required_count(series),
        session_form=session_form or SessionForm(prefix="session", formdata=None),
        invite_form=invite_form or _invite_form(series),
        now=utcnow(),
    )
    return page, status


@bp.route("/units/<int:unit_id>/series/<int:series_id>")
@for_unit()
def manage(unit_id: int, series_id: int):
    return _render_manage(led_series(unit_id, series_id))


@bp.route("/units/<int:unit_id>/series/<int:series_id>/sessions", methods=["POST"])
@for_unit()
def add_session(unit_id: int, series_id: int):
    series = led_series(unit_id, series_id)
    form = SessionForm(prefix="session")
    if form.validate_on_submit():
        try:
            starts_at, ends_at = planning.session_times(form.day.data, form.start.data, form.end.data)
            session = planning.add_session(series, starts_at, ends_at, form.place.data)
            details = {"step": "session.add", "session_id": session.id}
            record_by_user("workshop.plan", "workshop_series", series.id, details)
        except WorkshopError as problem:
            form.start.errors.append(str(problem))
        else:
            flash(_("Samlingen er lagt til, og deltakerne har fått invitasjon."), "success")
            return redirect(url_for("workshops.manage", unit_id=unit_id, series_id=series.id))
    return _render_manage(series, session_form=form, status=INVALID)


@bp.route("/units/<int:unit_id>/series/<int:series_id>/invite", methods=["POST"])
@for_unit()
def invite(unit_id: int, series_id: int):
    series = led_series(unit_id, series_id)
    form = _invite_form(series)
    if form.validate_on_submit():
        try:
            role = Role(form.role.data) if form.role.data else None
            people = participants.people_to_invite(series, form.unit.data, role)
            invited = participants.invite(series, people, current_user)
        except WorkshopError as problem:
            form.unit.errors.append(str(problem))
        else:
            flash(
                _("%(n)s personer er invitert og har fått e-post.", n=len(invited)),
                "success",
            )
            return redirect(url_for("workshops.manage", unit_id=unit_id, series_id=series.id))
    return _render_manage(series, invite_form=form, status=INVALID)


@bp.route("/units/<int:unit_id>/series/<int:series_id>/close", methods=["POST"])
@for_unit()
def close(unit_id: int, series_id: int):
    series = led_series(unit_id, series_id)
    if series.closed_at is None:
        close_series(series)
        record_by_user("workshop.plan", "workshop_series", series.id, {"step": "series.close"})
        flash(_("Serien er avsluttet. Fullføring er regnet ut fra samlingene som ble holdt."), "success")
    return redirect(url_for("workshops.manage", unit_id=unit_id, series_id=series.id))


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@for_unit()
def edit_session(unit_id: int, session_id: int):
    session = led_session(unit_id, session_id)
    form = SessionForm()
    if request.method == "GET":
        zone = local_zone()
        form.day.data = session.starts_at.astimezone(zone).date()
        form.start.data = session.starts_at.astimezone(zone).time()
        form.end.data = session.ends_at.astimezone(zone).time()
        form.place.data = session.place or ""
        _fill_in_suggested_time(form)
    elif form.validate_on_submit():
        try:
            starts_at, ends_at = planning.session_times(form.day.data, form.start.data, form.end.data)
            changed = planning.update_session(session, starts_at, ends_at, form.place.data)
            details = {"step": "session.update", "session_id": session.id}
            record_by_user("workshop.plan", "workshop_series", session.series_id, details)
        except WorkshopError as problem:
            form.start.errors.append(str(problem))
        else:
            if changed:
                flash(_("Samlingen er endret, og deltakerne har fått beskjed."), "success")
            else:
                flash(_("Ingenting ble endret."), "info")
            return redirect(url_for("workshops.manage", unit_id=unit_id, series_id=session.series_id))
    page = render_template(
        "workshops/session_form.html", form=form, session=session, number=session_number(session)
    )
    return page, (INVALID if form.errors else 200)


def _fill_in_suggested_time(form: SessionForm) -> None:
    """A time chosen in the slot finder comes as ``?day=2026-09-01&start=14:30&end=15:30``; a value
    that does not parse is left as it was."""
    fields = (
        (form.day, date.fromisoformat),
        (form.start, time.fromisoformat),
        (form.end, time.fromisoformat),
    )
    for field, parse in fields:
        value = request.args.get(field.name, "")
        try:
            field.data = parse(value) if value else field.data
        except ValueError:
            continue


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@for_unit()
def attendance(unit_id: int, session_id: int):
    """The facilitator's list: big checkboxes, one POST for the whole list."""
    session = led_session(unit_id, session_id)
    problem = None
    if request.method == "POST":
        try:
            added, removed = set_attendance(
                session, request.form.getlist("present", type=row_id), current_user
            )
        except WorkshopError as refused:
            problem = str(refused)
        else:
            flash(
                _(
                    "Oppmøtet er lagret: %(added)s lagt til, %(removed)s fjernet.",
                    added=added,
                    removed=removed,
                ),
                "success",
            )
            return redirect(url_for("workshops.attendance", unit_id=unit_id, session_id=session.id))
    page = render_template(
        "workshops/attendance.html",
        session=session,
        series=session.series,
        number=session_number(session),
        rows=pages.attendance_sheet(session),
        problem=problem,
    )
    return page, (INVALID if problem else 200)


def _check_in_url(session: WorkshopSession) -> str:
    path = url_for("workshops.check_in", session_id=session.id, token=session.check_in_token)
    return current_app.config["BASE_URL"].rstrip("/") + path


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/door")
@for_unit()
def door(unit_id: int, session_id: int):
    """The QR code to show at the door (or on the projector)."""
    session = led_session(unit_id, session_id)
    return render_template(
        "workshops/door.html",
        session=session,
        series=session.series,
        number=session_number(session),
        check_in_url=_check_in_url(session),
        window=check_in_window(session),
    )


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/qr.svg")
@for_unit()
def qr(unit_id: int, session_id: int):
    session = led_session(unit_id, session_id)
    buffer = io.BytesIO()
    segno.make(_check_in_url(session), error="m").save(
        buffer, kind="svg", scale=10, border=2, title=_("QR-kode for innsjekking")
    )
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/evaluations")
@for_unit()
def evaluations(unit_id: int, session_id: int):
    session = led_session(unit_id, session_id)
    return render_template(
        "workshops/evaluations.html",
        session=session,
        series=session.series,
        number=session_number(session),
        summary=evaluation_summary(session),
        minimum=MIN_EVALUATIONS_SHOWN,
    )


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/slots")
@for_unit()
def slot_finder(unit_id: int, session_id: int):
    """Coming times when the people with a place are at work together (``slots``); each fills in
    the session's form."""
    session = led_session(unit_id, session_id)
    rows = pages.participant_rows(session.series)
    people = [row.participant.person for row in rows if row.participant.has_place]
    suggestions = pages.slot_suggestions(session, [p.id for p in people], utcnow())
    return render_template(
        "workshops/slots.html",
        session=session,
        series=session.series,
        number=session_number(session),
        suggestions=suggestions,
        names={p.id: p.name for p in people},
        people=people,
        zone=local_zone(),
    )
