"""The facilitator's pages of one session: notes and agreed actions, the agenda for the projector
(with the actions still open from earlier sessions), and calling the session off. They are on the
workshops blueprint (``lms.workshops.blueprint``), so their endpoints keep the ``workshops.`` names."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from lms.access import for_unit
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.time import local_zone
from lms.text import render_markdown
from lms.workshops import actions, planning
from lms.workshops.blueprint import bp
from lms.workshops.errors import WorkshopError
from lms.workshops.forms import ActionForm, NotesForm
from lms.workshops.models import ActionStatus, WorkshopSession
from lms.workshops.views import led_session, session_number


def _action_form(session: WorkshopSession) -> ActionForm:
    form = ActionForm(prefix="action")
    form.owner.choices = [
        SelectChoice(person.id, person.name) for person in actions.possible_owners(session.series)
    ]
    if form.owner.data is None and session.series.facilitator_id is not None:
        form.owner.data = session.series.facilitator_id
    return form


def _render_notes(session: WorkshopSession, form=None, action_form=None, status: int = 200):
    page = render_template(
        "workshops/notes.html",
        form=form or NotesForm(obj=session, formdata=None),
        action_form=action_form or _action_form(session),
        session=session,
        series=session.series,
        number=session_number(session),
        notes_html=render_markdown(session.notes),
        agreed=actions.actions_of(session),
        still_open=actions.open_from_earlier(session),
        statuses=ActionStatus,
    )
    return page, status


def _notes_url(session: WorkshopSession) -> str:
    return url_for("workshops.notes", unit_id=session.series.unit_id, session_id=session.id)


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/notes", methods=["GET", "POST"])
@for_unit()
def notes(unit_id: int, session_id: int):
    """The session's notes, the actions agreed at it, and those still open from earlier ones."""
    session = led_session(unit_id, session_id)
    if request.method == "GET":
        return _render_notes(session)
    form = NotesForm()
    if form.validate_on_submit():
        planning.save_notes(session, form.notes.data)
        flash(_("Notatene er lagret."), "success")
        return redirect(_notes_url(session))
    return _render_notes(session, form=form, status=INVALID)


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/actions", methods=["POST"])
@for_unit()
def add_action(unit_id: int, session_id: int):
    session = led_session(unit_id, session_id)
    form = _action_form(session)
    if form.validate_on_submit():
        try:
            actions.add_action(session, form.text.data, form.owner.data, form.due_on.data)
        except WorkshopError as problem:
            form.text.errors.append(str(problem))
        else:
            flash(_("Tiltaket er lagt til."), "success")
            return redirect(_notes_url(session))
    return _render_notes(session, action_form=form, status=INVALID)


@bp.route(
    "/units/<int:unit_id>/sessions/<int:session_id>/actions/<int:action_id>/status",
    methods=["POST"],
)
@for_unit()
def action_status(unit_id: int, session_id: int, action_id: int):
    """Mark an action of the series done (or open again), from the page of ``session_id``."""
    session = led_session(unit_id, session_id)
    action = actions.action_in_series(session.series, action_id) or abort(404)
    try:
        status = ActionStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    actions.set_status(action, status)
    flash(_("Tiltaket er merket som %(status)s.", status=status.label.lower()), "success")
    return redirect(_notes_url(session))


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/agenda")
@for_unit()
def agenda(unit_id: int, session_id: int):
    """For the projector: the agenda with clock times, the questions, and the actions still open
    from earlier sessions."""
    session = led_session(unit_id, session_id)
    series = session.series
    clock = session.starts_at.astimezone(local_zone())
    steps = []
    for step in series.agenda:
        steps.append({**step, "at": clock})
        clock = clock + timedelta(minutes=step["minutes"])
    return render_template(
        "workshops/agenda.html",
        session=session,
        series=series,
        number=session_number(session),
        steps=steps,
        still_open=actions.open_from_earlier(session),
    )


@bp.route("/units/<int:unit_id>/sessions/<int:session_id>/cancel", methods=["POST"])
@for_unit()
def cancel_session(unit_id: int, session_id: int):
    """Call the session off; everyone with a place is told by e-mail with a calendar CANCEL."""
    session = led_session(unit_id, session_id)
    try:
        planning.cancel_session(session)
    except WorkshopError as problem:
        flash(str(problem), "error")
        return redirect(url_for("workshops.edit_session", unit_id=unit_id, session_id=session.id))
    details = {"step": "session.cancel", "session_id": session.id}
    record_by_user("workshop.plan", "workshop_series", session.series_id, details)
    flash(_("Samlingen er avlyst, og deltakerne har fått beskjed."), "success")
    return redirect(url_for("workshops.manage", unit_id=unit_id, series_id=session.series_id))
