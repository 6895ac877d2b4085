"""Workshop pages. Participants' pages (``/workshops/...``, here) are for phones; the facilitator's
pages (``/workshops/units/<unit>/...``, guarded by ``for_unit`` on the series' unit, in
``facilitator_views`` and ``session_views``) are for a laptop and a projector."""

from __future__ import annotations

import hmac

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import acted_on_unit_ids, can_act_on_unit, signed_in
from lms.core.errors import INVALID
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.services import units_in
from lms.text import render_markdown
from lms.workshops import actions, invitations, pages, participants
from lms.workshops.attendance import (
    required_count,
    self_check_in,
    self_check_in_problem,
)
from lms.workshops.blueprint import bp
from lms.workshops.errors import WorkshopError
from lms.workshops.evaluations import (
    evaluation_by,
    has_attended,
    submit_evaluation,
)
from lms.workshops.forms import EvaluationForm
from lms.workshops.models import WorkshopSeries, WorkshopSession

"""Status of a re-shown form with errors: the request wrapper rolls back, so nothing changes."""


def _may_lead(series: WorkshopSeries) -> bool:
    return can_act_on_unit(current_user, series.unit_id)


def series_or_404(series_id: int) -> WorkshopSeries:
    return pages.series_with_sessions(series_id) or abort(404)


def _visible_series(series_id: int) -> WorkshopSeries:
    """A series the signed-in person may see: theirs, one they may join, or one they lead."""
    series = series_or_404(series_id)
    if (
        participants.participant_of(series, current_user) is None
        and not participants.is_eligible(current_user, series)
        and not _may_lead(series)
    ):
        abort(404)
    return series


def session_or_404(session_id: int) -> WorkshopSession:
    return db.session.get(WorkshopSession, session_id) or abort(404)


def led_series(unit_id: int, series_id: int) -> WorkshopSeries:
    """A series of the unit in the URL (whose access the route's ``for_unit`` checked), or 404."""
    series = series_or_404(series_id)
    if series.unit_id != unit_id:
        abort(404)
    return series


def led_session(unit_id: int, session_id: int) -> WorkshopSession:
    """A session of a series of the unit in the URL, or 404."""
    session = session_or_404(session_id)
    if session.series.unit_id != unit_id:
        abort(404)
    return session


def session_number(session: WorkshopSession) -> int:
    return session.series.sessions.index(session) + 1


# Participants ---------------------------------------------------------------------------------


@bp.route("/")
@signed_in
def mine():
    """ "Mine samlinger": the next session with time and place, check-in, evaluations to give."""
    now = utcnow()
    led = [u for u in units_in(acted_on_unit_ids(current_user)) if u.depth == 0]
    return render_template(
        "workshops/mine.html",
        mine=pages.my_workshops(current_user, now),
        open_series=pages.open_series_for(current_user, now),
        led_units=led,
        now=now,
    )


@bp.route("/series/<int:series_id>")
@signed_in
def series(series_id: int):
    series = _visible_series(series_id)
    participant = participants.participant_of(series, current_user)
    may_lead = _may_lead(series)
    return render_template(
        "workshops/series.html",
        series=series,
        participant=participant,
        open_actions=actions.open_actions_of_series(series) if participant or may_lead else [],
        description=render_markdown(series.description),
        seats_taken=participants.seats_taken(series),
        required=required_count(series),
        may_lead=may_lead,
        now=utcnow(),
    )


@bp.route("/series/<int:series_id>/sign-up", methods=["POST"])
@signed_in
def sign_up(series_id: int):
    series = _visible_series(series_id)
    try:
        participant = participants.sign_up(series, current_user)
    except WorkshopError as problem:
        flash(str(problem), "error")
        return redirect(url_for("workshops.series", series_id=series.id))
    if participant.has_place:
        flash(_("Du er påmeldt. Kalenderinvitasjonene er sendt på e-post."), "success")
    else:
        flash(_("Serien er full. Du står på ventelisten og får e-post om du får plass."), "info")
    return redirect(url_for("workshops.series", series_id=series.id))


@bp.route("/series/<int:series_id>/leave", methods=["POST"])
@signed_in
def leave(series_id: int):
    series = _visible_series(series_id)
    participants.leave(series, current_user)
    flash(_("Du er meldt av «%(title)s».", title=series.title), "success")
    return redirect(url_for("workshops.mine"))


def _calendar_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/series/<int:series_id>.ics")
@signed_in
def series_ics(series_id: int):
    series = _visible_series(series_id)
    return _calendar_response(invitations.series_ics(series), f"samlinger-{series.id}.ics")


@bp.route("/sessions/<int:session_id>.ics")
@signed_in
def session_ics(session_id: int):
    session = session_or_404(session_id)
    _visible_series(session.series_id)
    data = invitations.session_ics(session, current_user)
    return _calendar_response(data, f"samling-{session.id}.ics")


@bp.route("/sessions/<int:session_id>/check-in/<token>", methods=["GET", "POST"])
@signed_in
def check_in(session_id: int, token: str):
    """The QR code at the door opens this page; the signed-in person checks themselves in (only
    themselves: the page takes no person)."""
    session = session_or_404(session_id)
    if not hmac.compare_digest(token.encode(), session.check_in_token.encode()):
        abort(404)
    series = session.series
    already = has_attended(session, current_user)
    problem = None
    if request.method == "POST" and not already:
        try:
            self_check_in(session, current_user)
        except WorkshopError as refused:
            problem = str(refused)
        else:
            flash(_("Du er sjekket inn. Velkommen!"), "success")
            return redirect(url_for("workshops.mine"))
    elif not already:
        problem = self_check_in_problem(session, current_user, utcnow())
    page = render_template(
        "workshops/check_in.html",
        session=session,
        series=series,
        number=session_number(session),
        already=already,
        problem=problem,
    )
    return page, (INVALID if problem and request.method == "POST" else 200)


@bp.route("/sessions/<int:session_id>/evaluation", methods=["GET", "POST"])
@signed_in
def evaluation(session_id: int):
    session = session_or_404(session_id)
    if not has_attended(session, current_user):
        abort(404)
    if evaluation_by(session, current_user) is not None:
        flash(_("Du har allerede evaluert denne samlingen. Takk!"), "info")
        return redirect(url_for("workshops.mine"))
    form = EvaluationForm()
    if form.validate_on_submit():
        submit_evaluation(
            session,
            current_user,
            int(form.usefulness.data),
            form.takeaway.data,
            form.improve.data,
        )
        flash(_("Takk for evalueringen!"), "success")
        return redirect(url_for("workshops.mine"))
    page = render_template(
        "workshops/evaluation.html", session=session, number=session_number(session), form=form
    )
    return page, (INVALID if form.errors else 200)
