"""The player: one card at a time, every answer saved, usable without JavaScript."""

from __future__ import annotations

import json
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms.access import for_owner, signed_in
from lms.assignments import services as assignments
from lms.content import library
from lms.content import services as content
from lms.content.cards.base import ResponseError
from lms.core.cookies import KeptCookieSessionInterface
from lms.core.languages import select_locale
from lms.core.time import local_today, local_zone, stated_moment
from lms.core.today import due_in_words
from lms.extensions import db
from lms.learning import answer_wsgi, bundle_wsgi, services
from lms.learning import bundle as bundles
from lms.learning.ahead import SessionCheck
from lms.learning.models import Attempt
from lms.learning.rendering import card_html
from lms.learning.standing import Standing, standing_of
from lms.organisation.models import Person
from lms.plugins import card_types
from lms.practice import services as practice

bp = Blueprint("learning", __name__)


@bp.record_once
def _ahead_of_flask(state) -> None:
    """The bundle and the player's answers, taken ahead of most of Flask when the session is
    Flask's signed cookie (``bundle_wsgi``, ``answer_wsgi``), or ``lms.core.cookies``' keeping of
    it."""
    app = state.app
    if type(app.session_interface) in (SecureCookieSessionInterface, KeptCookieSessionInterface):
        session_check = SessionCheck(app)
        bundle_wsgi.init_app(app, session_check)
        answer_wsgi.init_app(app, session_check)


STATIC_JS = Path(__file__).resolve().parent.parent / "static" / "js"


def _locale() -> str:
    """The request's language: what Flask-Babel's ``get_locale`` would give, as a string, without
    making a babel ``Locale`` of it (``select_locale`` gives one of ``LOCALES``' tags, which the
    ``Locale`` gives back), which cost more than the rest of choosing it."""
    return select_locale()


@bp.route("/learn/<module_id>")
@signed_in
def module(module_id: str):
    person = current_user._get_current_object()
    page = services.start_page(person, module_id) or abort(404)
    return render_template(
        "learning/module.html",
        page=page,
        new_round=_new_round(person, page),
        practice_counts=practice.counts_for_viewer(person, page.module),
        choices=practice.CHOICES,
        shown_from=practice.SHOWN_FROM,
    )


def _new_round(person: Person, page: services.StartPage) -> str | None:
    """When the person has completed the module and a recurring assignment's new round of it is
    open, its due date in home's words ("frist om 12 dager", "forfalt for 3 dager siden"), so that
    the start page says what home says; else None. Asked only after a completion: a round opens
    again only after one."""
    if page.completed_at is None:
        return None
    today = local_today()
    last_done = page.completed_at.astimezone(local_zone()).date()
    round_open = assignments.open_round(person, page.module.id, last_done, today)
    return None if round_open is None else due_in_words(round_open.due_on, today)


@bp.route("/learn/<module_id>/start", methods=["POST"])
@signed_in
def start(module_id: str):
    version = content.current_version(module_id) or abort(404)
    attempt = services.start_or_resume(current_user, version)
    return redirect(url_for("learning.card", attempt_id=attempt.id, index=attempt.position))


@bp.route("/attempts/<int:attempt_id>/cards/<int:index>", methods=["GET", "POST"])
@for_owner(Attempt, "attempt_id")
def card(attempt: Attempt, index: int):
    module = services.module_of(attempt)
    if index >= len(module.cards):
        abort(404)
    card = module.cards[index]
    error = None
    if request.method == "POST" and not attempt.completed:
        if not card_types()[card.type].takes_response:
            # Only the player's hidden answer form, or a replayed one, posts here: nothing to store.
            flash(_("Dette kortet har ikke noe å svare på, så ingenting ble lagret."), "info")
            return redirect(url_for("learning.card", attempt_id=attempt.id, index=card.index), 303)
        try:
            return _take_response(attempt, module, card)
        except ResponseError as problem:
            error = str(problem)
    answer = services.answer_for(attempt, card)
    card_type = card_types()[card.type]
    return render_template(
        "learning/card.html",
        attempt=attempt,
        module=module,
        card=card,
        card_type=card_type,
        answer=answer,
        body=_card_body(module, card, answer, error),
        error=error,
        locale=_locale(),
        bundle_url=_bundle_url(module),
        answered=[a.card_id for a in attempt.answers],
    ), (422 if error else 200)


def _bundle_url(module) -> str:
    locale = _locale()
    digest = bundles.bundle_of(module, locale).digest
    return url_for(
        "learning.bundle",
        module_id=module.id,
        content_hash=module.content_hash,
        locale=locale,
        digest=digest,
    )


@bp.route("/learn/<module_id>/bundle/<content_hash>/<locale>/<digest>.json")
@signed_in
def bundle(module_id: str, content_hash: str, locale: str, digest: str):
    """The version's cards as JSON for the player on the phone: immutable (the address holds a
    digest of the bytes), so it is cached for a year and revalidated by its strong ETag."""
    if not bundles.supported(locale):
        abort(404)
    built = bundles.known(module_id, content_hash, locale)
    if built is None:
        services.version_with_hash(module_id, content_hash) or abort(404)
        built = bundles.bundle_of(library.load(module_id, content_hash), locale)
    if built.digest != digest:
        return redirect(
            url_for(
                "learning.bundle",
                module_id=module_id,
                content_hash=content_hash,
                locale=locale,
                digest=built.digest,
            )
        )
    response = current_app.response_class(built.body, mimetype="application/json")
    response.set_etag(built.digest)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response.make_conditional(request)


def _card_body(module, card, answer, error: str | None) -> Markup:
    if answer is None:
        return card_html(module, card, _locale(), error=error)
    return card_html(module, card, _locale(), answer.response, error)


def _take_response(attempt: Attempt, module, card):
    """Store the answer posted by the card's form (no JavaScript), then show it graded or go on.
    An attempt completed elsewhere (another tab, the phone) since the view read it takes no answer:
    nothing is kept, and the person is sent to its done page."""
    card_type = card_types()[card.type]
    response = card_type.read_response(card, request.form)
    attempt_id = attempt.id
    try:
        services.submit_answer(attempt, card, response, client_id=request.form.get("client_id"))
    except services.NotAnswerable:  # completed elsewhere since it was read: nothing is kept
        db.session.rollback()
        flash(_("Du har alt fullført modulen, så svaret ble ikke lagret."), "error")
        return redirect(url_for("learning.done", attempt_id=attempt_id), 303)
    if card_type.scored:
        return redirect(url_for("learning.card", attempt_id=attempt.id, index=card.index))
    return _go_on(attempt, module, card.index + 1)


@bp.route("/attempts/<int:attempt_id>/cards/<int:index>/next", methods=["POST"])
@for_owner(Attempt, "attempt_id")
def next_card(attempt: Attempt, index: int):
    module = services.module_of(attempt)
    if index >= len(module.cards):
        abort(404)
    card = module.cards[index]
    if _wants_json():
        return _moved_on(attempt, module, card)
    if card.data.get("scored") and services.answer_for(attempt, card) is None:
        flash(_("Svar på spørsmålet før du går videre."), "error")
        return redirect(url_for("learning.card", attempt_id=attempt.id, index=index))
    return _go_on(attempt, module, index + 1)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _moved_on(attempt: Attempt, module, card):
    """The player on the phone has shown the next card already: the server follows (as JSON).
    Past the last card with every scored card answered, the attempt is completed."""
    index = card.index + 1
    if card.data.get("scored") and services.answer_for(attempt, card) is None:
        return jsonify(moved=False, missing=card.index), 409
    if index >= len(module.cards):
        missing = services.missing_answers(attempt, module)
        if missing:
            return jsonify(moved=False, missing=missing[0].index), 409
    services.move_to(attempt, module, index)
    done = url_for("learning.done", attempt_id=attempt.id) if attempt.completed else None
    return jsonify(moved=True, position=attempt.position, done_url=done)


def _go_on(attempt: Attempt, module, index: int):
    if index >= len(module.cards):
        missing = services.missing_answers(attempt, module)
        if missing:
            flash(_("Noen spørsmål mangler svar. Svar på dem for å fullføre."), "error")
            return redirect(url_for("learning.card", attempt_id=attempt.id, index=missing[0].index))
    services.move_to(attempt, module, index)
    if attempt.completed:
        return redirect(url_for("learning.done", attempt_id=attempt.id))
    return redirect(url_for("learning.card", attempt_id=attempt.id, index=index))


@bp.route("/attempts/<int:attempt_id>/done")
@for_owner(Attempt, "attempt_id")
def done(attempt: Attempt):
    if not attempt.completed:
        return redirect(url_for("learning.card", attempt_id=attempt.id, index=attempt.position))
    module = services.module_of(attempt)
    standing = standing_of(True, attempt.outcome)
    missed, unanswered = services.missed(attempt, module)
    if standing is Standing.PASSED:
        missed = []
    return render_template(
        "learning/done.html",
        attempt=attempt,
        module=module,
        standing=standing,
        review=[(card, _card_body(module, card, answer, None)) for card, answer in missed],
        unanswered=unanswered,
        answers=_answers_reviewed(module, attempt, {card.id for card, _answer in missed}),
        suggested=services.suggested_next(current_user, attempt.module_id),
        locale=_locale(),
    )


def _answers_reviewed(module, attempt: Attempt, shown: set[str]) -> list[Markup]:
    """The scored cards answered and not ``shown`` already, as graded: the feedback, also of
    answers given without network, which the learner may not have seen on the card."""
    answers = {answer.card_id: answer for answer in attempt.answers}
    return [
        _card_body(module, card, answers[card.id], None)
        for card in module.scored_cards
        if card.id in answers and card.id not in shown
    ]


@bp.route("/attempts/<int:attempt_id>/answers", methods=["POST"])
@for_owner(Attempt, "attempt_id")
def sync_answer(attempt: Attempt):
    """An answer sent by the player on the phone, as JSON: at once, or when the network returns
    for one given offline. The reply carries the card as graded (the same fragment the server path
    shows), so the phone shows the feedback as soon as the server has judged."""
    payload = request.get_json(silent=True) or {}
    module = services.module_of(attempt)
    card = module.card(str(payload.get("card_id", "")))
    if card is None or not card_types()[card.type].takes_response:
        return jsonify(error=_("Ukjent kort.")), 400
    form = answer_wsgi.form_from(payload.get("fields") or {})
    try:
        response = card_types()[card.type].read_response(card, form)
    except ResponseError as problem:
        return jsonify(error=str(problem)), 400
    if attempt.completed:
        return jsonify(stored=False, reason="completed"), 200
    try:
        answer, created = services.submit_answer(
            attempt,
            card,
            response,
            client_id=str(payload.get("client_id", "")),
            answered_at=stated_moment(payload.get("answered_at"), attempt.started_at),
        )
    except services.NotAnswerable:  # completed elsewhere since it was read: nothing is kept
        db.session.rollback()
        return jsonify(stored=False, reason="completed"), 200
    return jsonify(
        stored=created,
        client_id=answer.client_id,
        card_id=card.id,
        html=str(_card_body(module, card, answer, None)),
    ), 201 if created else 200


@bp.route("/sw.js")
@signed_in
def service_worker():
    """The player's service worker, served from the root so its scope covers /learn/ and
    /attempts/, with its offline page's texts in the person's language. Revalidated on every visit
    (no-cache, with an ETag of the whole script, texts included), so a new version or a change of
    language reaches phones on their next visit."""
    script = (STATIC_JS / "sw.js").read_text(encoding="utf-8")
    texts = json.dumps(_offline_texts())
    response = current_app.response_class(
        script.replace(OFFLINE_TEXTS, texts, 1), mimetype="text/javascript"
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    response.vary.update(("Cookie", "Accept-Language"))
    response.add_etag()
    return response.make_conditional(request)


OFFLINE_TEXTS = "/* OFFLINE_TEXTS */ {}"
"""Where sw.js takes the offline page's texts: replaced by a JSON object (JSON is safe JavaScript)."""


def _offline_texts() -> dict[str, str]:
    return {
        "lang": _locale(),
        "title": _("Uten nett"),
        "heading": _("Du er uten nett"),
        "text": _("Denne siden er ikke lagret på telefonen. Prøv igjen når du har nett."),
        "home": _("Til Mine"),
    }
