"""Group runs on the shared screen (the facilitator's laptop on a projector) and on the phones.

How the phones follow the screen: short polling of ``/groups/live/<token>``, a conditional GET that
needs no sign-in, no session and no ORM, answered from a per-process copy of the run's state
(``lms.groups.live``, which argues the choice against a push channel). When the run's revision or
the phone's status changes, the phone fetches its new card (``/groups/live/<token>/card``: the card
rendered once for the room and filled in per phone, ``lms.groups.live_card``; an answered card, a
phone that left and a closed run go on to the signed-in ``/groups/me/<id>?fragment=1``) and swaps it
in. ``bench/group_run.py`` measures how fast 50, 100 and 200 phones see a card
change and what that costs the server.

The shared screen is a presenter view for a projector or a TV (``screen.html``, ``presenter.css``):
the card large, the join code and a short address (``/j/<code>``), the count of people present and
the group's answers (``live``, polled by the screen), a timer per card and the controls always in
view, with keyboard control from ``group.js``.

Who may do what: the run's facilitator (or a leader of the run's unit) paces it, ticks people in and
closes it; a participant acts only on their own participation (``for_owner``, so another person's
id gives 404); anybody signed in may join by code; the poll takes the token its page was given.
"""

from __future__ import annotations

import functools
import hashlib
import random
import time
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from lms.access import (
    LEADING_ROLES,
    acted_on_unit_ids,
    can_act_on_person,
    can_act_on_unit,
    for_owner,
    holds_any,
    person_signed_in,
    public,
    signed_in,
)
from lms.content.cards.base import ResponseError
from lms.core.errors import INVALID
from lms.core.time import stated_moment
from lms.db import utcnow
from lms.extensions import db, limiter
from lms.groups import live, live_card, live_wsgi, qr, services
from lms.groups.judging import ATTENDED_PERCENT
from lms.groups.models import GroupParticipant, GroupRun, LeftHow
from lms.groups.tally import MIN_ANSWERS_SHOWN
from lms.learning.standing import Standing, standing_from
from lms.organisation.models import Person, Unit
from lms.organisation.services import units_in
from lms.plugins import card_types

bp = Blueprint("groups", __name__)
bp.record_once(lambda state: live.init_app(state.app))
bp.record_once(lambda state: live_card.init_app(state.app))
bp.record_once(lambda state: live_wsgi.init_app(state.app))

WRONG_CODE = 404
EXPIRED_CODE = 410


def _locale() -> str:
    return str(get_locale())


def _join_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT"]


def _joiner() -> str:
    return f"join:{current_user.get_id()}"


def _wrong_code(response) -> bool:
    return response.status_code in (WRONG_CODE, EXPIRED_CODE)


def _retry_when_busy(view):
    """Run the view again (at most twice) when SQLite refuses a write because another request wrote
    since this one began reading (a deferred transaction cannot upgrade a stale read snapshot, and
    SQLite says "database is locked" at once, whatever the busy timeout): a whole group answering at
    once, or the facilitator moving on while phones poll, must not see errors. PostgreSQL never
    refuses these writes."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        for attempt in range(3):
            try:
                return view(*args, **kwargs)
            except OperationalError as error:
                if attempt == 2 or "locked" not in str(error.orig):
                    raise
                db.session.rollback()
                time.sleep(0.05 * (attempt + 1) + random.random() * 0.05)
        raise AssertionError("unreachable")

    return wrapper


@bp.app_template_global()
def leads_groups() -> bool:
    """Whether the menu offers "Gruppeøkter": managers, facilitators and admins (from the roles
    read once per request, no query of its own)."""
    person = person_signed_in()
    return person is not None and holds_any(person, LEADING_ROLES)


def _led_run(run_id: int) -> GroupRun:
    """The run, if the signed-in person leads it: its facilitator, or a leader of its unit."""
    run = db.session.get(GroupRun, run_id) or abort(404)
    if run.facilitator_id != current_user.id and not (
        run.unit_id is not None and can_act_on_unit(current_user, run.unit_id)
    ):
        abort(403)
    return run


def _require_leader() -> frozenset[int]:
    units = acted_on_unit_ids(current_user)
    if not units:
        abort(403)
    return units


# The facilitator's overview -----------------------------------------------------------------------


@bp.route("/groups")
@signed_in
def index():
    """Start a run; the person's open runs and recently closed ones. Leaders only."""
    units = _require_leader()
    open_runs, closed, counts = services.runs_led_by(current_user)
    return render_template(
        "groups/index.html",
        modules=services.group_modules(),
        chosen_module=request.args.get("module"),
        units=units_in(units),
        open_runs=open_runs,
        closed_runs=closed,
        counts=counts,
        locale=_locale(),
    )


@bp.route("/groups/runs", methods=["POST"])
@signed_in
@_retry_when_busy
def start():
    units = _require_leader()
    version = next(
        (v for v in services.group_modules() if v.module_id == request.form.get("module_id")), None
    )
    unit_field = request.form.get("unit_id", "")
    unit = None
    if unit_field.isdigit():
        if int(unit_field) not in units:
            abort(403)
        unit = db.session.get(Unit, int(unit_field))
    if version is None or (unit_field and unit_field != "adhoc" and unit is None):
        flash(_("Velg en modul og en gruppe."), "error")
        return redirect(url_for("groups.index"))
    run = services.start_run(current_user, version, unit)
    return redirect(url_for("groups.screen", run_id=run.id))


# The shared screen --------------------------------------------------------------------------------


def _screen_context(run: GroupRun) -> dict:
    module = services.module_of(run)
    card = module.cards[run.position]
    card_type = card_types()[card.type]
    return {
        "run": run,
        "module": module,
        "card": card,
        "card_type": card_type,
        "room": services.room(run, card),
        "tally": services.tally_of(run, card) if services.answerable(card) else None,
        "answerable": services.answerable(card),
        "min_shown": MIN_ANSWERS_SHOWN,
        "locale": _locale(),
    }


@bp.route("/groups/runs/<int:run_id>")
@signed_in
def screen(run_id: int):
    run = _led_run(run_id)
    context = _screen_context(run)
    card, card_type = context["card"], context["card_type"]
    join_url = url_for("groups.join_code", code=run.code, _external=True)
    projected = None
    if not card_type.takes_response:
        projected = card_type.render(card, locale=_locale(), response=None, grade=None, error=None)
    return render_template(
        "groups/screen.html",
        projected=projected,
        short_host=_short_host(run),
        qr=qr.svg_data_uri(join_url) if run.is_open else None,
        **context,
    )


def _short_host(run: GroupRun) -> str:
    """What goes before ``/j/<code>`` in the short join address on the screen: the host (and any
    path the platform is mounted under), without the scheme, which phones fill in themselves."""
    address = url_for("groups.short_join", code=run.code, _external=True)
    return address.split("://", 1)[-1].rsplit("/j/", 1)[0]


@bp.route("/groups/runs/<int:run_id>/live")
@signed_in
def screen_live(run_id: int):
    """The screen's changing part (who is here, the group's answers), for the screen to poll."""
    run = _led_run(run_id)
    html = render_template("groups/_live.html", **_screen_context(run))
    response = make_response(html)
    response.set_etag(hashlib.sha256(html.encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "no-cache, private"
    response.headers["X-Group-Revision"] = str(run.revision)
    return response.make_conditional(request)


@bp.route("/groups/runs/<int:run_id>/move", methods=["POST"])
@signed_in
@_retry_when_busy
def move(run_id: int):
    run = _led_run(run_id)
    target = request.form.get("to", "")
    if run.is_open and target.lstrip("-").isdigit():
        services.move(run, int(target))
    return redirect(url_for("groups.screen", run_id=run.id))


@bp.route("/groups/runs/<int:run_id>/close", methods=["GET", "POST"])
@signed_in
@_retry_when_busy
def close(run_id: int):
    """Before the close: what each person would get if the run closed now; after it: what each got
    (both from ``services.results``, as the phones say)."""
    run = _led_run(run_id)
    if request.method == "POST":
        if run.is_open:
            services.close(run)
            flash(_("Økten er avsluttet."), "success")
        return redirect(url_for("groups.close", run_id=run.id))
    people = services.participants(run)
    results = services.results(run, people)
    gone_after = timedelta(minutes=services.gone_minutes())
    now = utcnow()
    silent = [
        p
        for p in people
        if run.is_open and p.present and p.last_seen_at is not None and now - p.last_seen_at > gone_after
    ]
    return render_template(
        "groups/close.html",
        run=run,
        module=services.module_of(run),
        by_standing=_by_standing(people, results),
        shown=len(run.shown or []),
        share=ATTENDED_PERCENT,
        silent=silent,
        gone_minutes=services.gone_minutes(),
        locale=_locale(),
    )


def _by_standing(people, results) -> list[tuple[Standing, list[GroupParticipant]]]:
    """The participants under the standing the run gives them, best first."""
    order = [Standing.PASSED, Standing.COMPLETED, Standing.FAILED, Standing.ATTENDED]
    order.append(Standing.IN_PROGRESS)
    grouped: dict[Standing, list[GroupParticipant]] = {s: [] for s in order}
    for person in people:
        grouped[standing_from(results[person.id].verdict)].append(person)
    return [(s, grouped[s]) for s in order if grouped[s]]


# The facilitator's list: ticking people in --------------------------------------------------------


@bp.route("/groups/runs/<int:run_id>/people", methods=["GET", "POST"])
@signed_in
@_retry_when_busy
def people(run_id: int):
    run = _led_run(run_id)
    if request.method == "POST":
        person_field = request.form.get("person_id", "")
        if not person_field.isdigit() or not can_act_on_person(current_user, int(person_field)):
            abort(403)
        person = db.session.get(Person, int(person_field)) or abort(404)
        try:
            services.join(run, person, ticked_in_by=current_user)
            flash(_("%(name)s er krysset inn.", name=person.name), "success")
        except services.RunClosed:
            flash(_("Økten er avsluttet."), "error")
        return redirect(url_for("groups.people", run_id=run.id, q=request.form.get("q") or None))
    search = (request.args.get("q") or "").strip()
    return render_template(
        "groups/people.html",
        run=run,
        module=services.module_of(run),
        participants=services.participants(run),
        candidates=services.people_to_tick_in(run, acted_on_unit_ids(current_user), search)
        if run.is_open
        else [],
        search=search,
        locale=_locale(),
    )


@bp.route("/groups/runs/<int:run_id>/people/<int:participant_id>/remove", methods=["POST"])
@signed_in
@_retry_when_busy
def remove(run_id: int, participant_id: int):
    run = _led_run(run_id)
    participant = db.session.get(GroupParticipant, participant_id)
    if participant is None or participant.run_id != run.id:
        abort(404)
    services.leave(participant, LeftHow.FACILITATOR)
    flash(_("%(name)s er tatt ut av økten.", name=participant.person.name), "info")
    return redirect(url_for("groups.people", run_id=run.id))


# Joining ------------------------------------------------------------------------------------------


def _code_problem(problem: str, code: str):
    if problem == "expired":
        message = _(
            "Koden %(code)s er utløpt: økten er avsluttet, eller den startet for mer enn "
            "%(hours)s timer siden. Spør den som leder økten om en ny kode.",
            code=code,
            hours=services.CODE_HOURS,
        )
        status = EXPIRED_CODE
    else:
        message = _(
            "Fant ingen gruppeøkt med koden %(code)s. Sjekk koden på skjermen og prøv igjen.",
            code=code or "–",
        )
        status = WRONG_CODE
    return render_template("groups/join.html", error=message, code=code), status


@bp.route("/join", methods=["GET", "POST"])
@signed_in
@limiter.limit(_join_limit, methods=["POST"], deduct_when=_wrong_code, key_func=_joiner)
@_retry_when_busy
def join():
    if request.method == "GET":
        return render_template("groups/join.html", error=None, code="")
    code = qr.normalise(request.form.get("code"))
    found = services.find_by_code(code)
    if found.problem:
        return _code_problem(found.problem, code)
    return _join_run(found.run)


@bp.route("/join/<code>", methods=["GET", "POST"])
@signed_in
@limiter.limit(_join_limit, deduct_when=_wrong_code, key_func=_joiner)
@_retry_when_busy
def join_code(code: str):
    """Where the QR code leads: after signing in, one press on "Bli med"."""
    code = qr.normalise(code)
    found = services.find_by_code(code)
    if found.problem:
        return _code_problem(found.problem, code)
    run = found.run
    participant = services.participant_of(run, current_user)
    if request.method == "POST":
        return _join_run(run)
    if participant is not None and participant.present:
        return redirect(url_for("groups.participant", participant_id=participant.id))
    return render_template(
        "groups/join_confirm.html", run=run, module=services.module_of(run), code=code
    )


@bp.route("/j/<code>")
@public
def short_join(code: str):
    """The short address on the shared screen, easy to type from the back of the room: on to the
    join page for the code (which asks a stranger to sign in first)."""
    code = qr.normalise(code)
    return redirect(url_for("groups.join_code", code=code) if code else url_for("groups.join"))


def _join_run(run: GroupRun):
    participant = services.join(run, current_user)
    return redirect(url_for("groups.participant", participant_id=participant.id))


# The phone ----------------------------------------------------------------------------------------


def _phone_context(participant: GroupParticipant, error: str | None = None) -> dict:
    run = participant.run
    module = services.module_of(run)
    card = module.cards[run.position]
    card_type = card_types()[card.type]
    answer = None
    body = None
    if run.is_open and participant.present:
        if services.answerable(card):
            answer = services.answer_to(participant, card)
            grade = card_type.grade(card, answer.response) if answer is not None else None
            body = card_type.render(
                card,
                locale=_locale(),
                response=answer.response if answer else None,
                grade=grade,
                error=error,
            )
        elif not card_type.takes_response:
            body = card_type.render(card, locale=_locale(), response=None, grade=None, error=None)
    ended = not (run.is_open and participant.present)
    finished = ended and participant.attempt.completed  # loaded only where the result needs it
    result = services.result_of(participant) if ended else None
    return {
        "participant": participant,
        "result": result,
        "standing": standing_from(result.verdict) if result else None,
        "share": ATTENDED_PERCENT,
        "run": run,
        "module": module,
        "card": card,
        "card_type": card_type,
        "answerable": services.answerable(card),
        "answer": answer,
        "body": body,
        "error": error,
        "status": _status(participant),
        "finished": finished,
        "live_token": live.token_for(participant),
        "locale": _locale(),
    }


def _status(participant: GroupParticipant) -> str:
    if not participant.run.is_open:
        return "closed"
    return "open" if participant.present else "left"


@bp.route("/groups/me/<int:participant_id>")
@for_owner(GroupParticipant, "participant_id")
def participant(participant: GroupParticipant):
    context = _phone_context(participant)
    if request.args.get("fragment"):
        # The phone fetching its new card: it is polling, so ``live`` notes that it is here; a
        # write here would make every phone in the room queue for the database at each card.
        return render_template("groups/_phone_card.html", **context)
    services.seen(participant)
    return render_template("groups/participant.html", **context)


@bp.route(live.POLL_PATH + "<token>")
@public
def live_state(token: str):
    """What the phone polls: the run's revision, card and the phone's status, 304 when unchanged.
    The token is the credential (``lms.groups.live``): no session, no sign-in, no ORM. Served
    ahead of Flask by ``live_wsgi.PollsAheadOfFlask``; this rule is the address ``url_for``
    builds and the access rules cover, and answers the same where a poll reaches Flask (the
    bench serves the app without the middleware as well, to compare)."""
    locale = live_card.live_locale(request.args)

    def card_of(participant_id: int, run_id: int, state: live.RunState) -> str | None:
        return live_card.card_with_poll(participant_id, run_id, state, locale, render=True)

    answer = live.answer_poll(token, request.headers.get("If-None-Match"), card_of)
    return current_app.response_class(answer.body, answer.status, answer.headers())


@bp.route(live.POLL_PATH + "<token>/card")
@public
def live_card_fragment(token: str):
    """The phone's new card after a change: the card rendered once for the room, filled in with
    the participant's id (``lms.groups.live_card``; ``group.js`` puts in the page's CSRF token).
    A phone that has answered the card, has left or whose run closed is sent on to its signed-in
    fragment. A card this process has rendered is served ahead of Flask (``live_wsgi``); this
    view renders it the first time and answers everything else."""
    participant_id, run_id = live.read_token(token) or abort(403)
    wanted = request.args.get("revision", type=int)
    locale = live_card.live_locale(request.args)
    found = live_card.card_for(participant_id, run_id, wanted, locale, render=True)
    if found == live_card.GONE:
        abort(404)
    if found == live_card.SIGNED_IN:
        return redirect(url_for("groups.participant", participant_id=participant_id, fragment=1))
    response = make_response(found.fill(participant_id))
    response.headers["Cache-Control"] = "no-store, private"
    return response


@bp.route("/groups/me/<int:participant_id>/answer", methods=["POST"])
@for_owner(GroupParticipant, "participant_id")
@_retry_when_busy
def answer(participant: GroupParticipant):
    run = participant.run
    module = services.module_of(run)
    card = module.card(request.form.get("card_id", "")) or abort(400)
    back = redirect(url_for("groups.participant", participant_id=participant.id))
    try:
        response = card_types()[card.type].read_response(card, request.form)
    except ResponseError as problem:
        if card.index != run.position:
            return back
        return render_template(
            "groups/participant.html", **_phone_context(participant, error=str(problem))
        ), INVALID
    try:
        services.answer(
            participant,
            card,
            response,
            client_id=request.form.get("client_id"),
            answered_at=stated_moment(request.form.get("answered_at"), participant.attempt.started_at),
        )
    except services.RunClosed:
        flash(_("Økten er avsluttet, så svaret ble ikke lagret."), "error")
    except services.NotPresent:
        flash(_("Du har forlatt økten, så svaret ble ikke lagret."), "error")
    except services.NotAnswerableHere:
        flash(_("Gruppen er ikke på dette kortet ennå."), "error")
    except services.AlreadyFinished:
        flash(_("Du har alt fullført modulen, så svaret ble ikke lagret."), "error")
    return back


@bp.route("/groups/me/<int:participant_id>/leave", methods=["POST"])
@for_owner(GroupParticipant, "participant_id")
@_retry_when_busy
def leave(participant: GroupParticipant):
    services.leave(participant, LeftHow.SELF)
    return redirect(url_for("groups.participant", participant_id=participant.id))


@bp.route("/groups/me/<int:participant_id>/rejoin", methods=["POST"])
@for_owner(GroupParticipant, "participant_id")
@_retry_when_busy
def rejoin(participant: GroupParticipant):
    if participant.run.is_open:
        services.join(participant.run, current_user)
    return redirect(url_for("groups.participant", participant_id=participant.id))
