"""Signing in (password, e-mailed link, code by SMS or printed code), signing out, the person's own
account settings, and the page where a manager makes a printed sign-in code."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from lms.access import SIGN_IN_CODE_ROLES, can_make_sign_in_code, for_person, public, signed_in
from lms.accounts import codes, services, sessions, throttle
from lms.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    LanguageForm,
    PrintedCodeForm,
    SignInForm,
    SignInLinkForm,
    SmsCodeForm,
    SmsNumberForm,
)
from lms.accounts.sms import send_sms
from lms.audit.services import record_by_user
from lms.core.errors import INVALID, render_error
from lms.core.time import local_today
from lms.core.urls import safe_next_url
from lms.extensions import db, limiter
from lms.mail import queue_mail
from lms.organisation.models import Person

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = 401
SMS_NUMBER_KEY = "sms_sign_in_number"
"""The number a code was asked for, kept in the (signed) cookie for the page where it is typed."""


def _sign_in_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT"]


def _submitted_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code == SIGN_IN_FAILED


def _shown_status(form) -> int:
    """200 for a form shown to be filled in, 422 for one shown again with its errors."""
    return INVALID if form.errors else 200


def _start_session(person, how: str):
    sessions.start_session(person, how)
    return redirect(safe_next_url(request.args.get("next")) or url_for("core.home"))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=_failed)
def sign_in():
    """Failed sign-ins are limited per client address (the decorator) and per account
    (``throttle``), so that a stranger who guesses cannot lock the person out."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignInForm()
    if form.validate_on_submit():
        if throttle.PASSWORD.refuses(_submitted_email()):
            return render_error(429, throttle.REFUSED_MESSAGE)
        person = services.authenticate(form.email.data, form.password.data)
        if person is not None:
            return _start_session(person, "password")
        throttle.PASSWORD.count(_submitted_email())
        form.password.errors.append(_("Feil e-post eller passord."))
        return render_template("accounts/sign_in.html", form=form), SIGN_IN_FAILED
    return render_template("accounts/sign_in.html", form=form), _shown_status(form)


@bp.route("/login/link", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def request_link():
    form = SignInLinkForm()
    if form.validate_on_submit():
        if throttle.LINK.refuses(_submitted_email()):
            return render_error(429, throttle.REFUSED_MESSAGE)
        throttle.LINK.count(_submitted_email())
        person = services.find_person_by_email(form.email.data)
        if person is not None and person.may_sign_in(local_today()):
            _send_sign_in_link(person)
        return render_template("accounts/link_sent.html", email=form.email.data)
    return render_template("accounts/request_link.html", form=form), _shown_status(form)


def _send_sign_in_link(person) -> None:
    minutes = current_app.config["SIGNIN_LINK_MINUTES"]
    token = services.create_sign_in_link(person, timedelta(minutes=minutes))
    link = current_app.config["BASE_URL"] + url_for("accounts.use_link", token=token)
    with force_locale(person.locale or str(get_locale())):
        body = render_template("accounts/sign_in_link.txt", person=person, link=link, minutes=minutes)
        subject = _("Din innloggingslenke til Lærevakt")
    queue_mail(person.email, subject, body)


@bp.route("/login/link/<token>", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=_failed)
def use_link(token: str):
    """GET only asks for a click: mail scanners that open links must not use them up."""
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        person = services.redeem_sign_in_link(token)
        if person is not None:
            return _start_session(person, "link")
    elif request.method == "GET" and services.find_usable_link(token) is not None:
        return render_template("accounts/use_link.html", form=form)
    return render_template("accounts/link_invalid.html"), SIGN_IN_FAILED


@bp.route("/login/sms", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def request_sms_code():
    """Sends a code if the number belongs to one person who may sign in; answers the same either way."""
    form = SmsNumberForm()
    if form.validate_on_submit():
        number = form.phone.data
        if throttle.SMS.refuses(number):
            return render_error(429, throttle.CODE_REFUSED_MESSAGE)
        throttle.SMS.count(number)
        person = codes.person_with_phone(number)
        if person is not None:
            _send_sms_code(person)
        session[SMS_NUMBER_KEY] = number
        return redirect(url_for("accounts.use_sms_code"))
    return render_template("accounts/request_sms_code.html", form=form), _shown_status(form)


def _send_sms_code(person: Person) -> None:
    code = codes.issue_sms_code(person)
    minutes = int(codes.SMS_VALID_FOR.total_seconds() // 60)
    text = _(
        "%(code)s er koden din for å logge inn på Lærevakt. Den gjelder i %(minutes)s minutter.",
        code=code,
        minutes=minutes,
    )
    try:
        send_sms(person.phone, text)
    except Exception:
        # The answer must not differ for a number with an account: log, and answer as always.
        current_app.logger.exception("sign-in code by SMS to person %s failed", person.id)


@bp.route("/login/sms/code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=_failed)
def use_sms_code():
    """Wrong codes are limited per client address (the decorator), per number (``throttle``) and
    per code (``codes.MAX_WRONG_TRIES``)."""
    number = session.get(SMS_NUMBER_KEY)
    if number is None:
        return redirect(url_for("accounts.request_sms_code"))
    form = SmsCodeForm()
    if form.validate_on_submit():
        if throttle.SMS_CODE.refuses(number):
            return render_error(429, throttle.CODE_REFUSED_MESSAGE)
        person = codes.redeem_sms_code(number, form.code.data)
        if person is not None:
            session.pop(SMS_NUMBER_KEY, None)
            return _start_session(person, "sms")
        throttle.SMS_CODE.count(number)
        db.session.commit()  # the wrong try counts against the code, though the answer is a failure
        form.code.errors.append(_("Koden er feil eller utløpt. Be om en ny kode om du trenger det."))
        page = render_template("accounts/use_sms_code.html", form=form, number=number)
        return page, SIGN_IN_FAILED
    page = render_template("accounts/use_sms_code.html", form=form, number=number)
    return page, _shown_status(form)


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"], deduct_when=_failed)
def use_printed_code():
    form = PrintedCodeForm()
    if form.validate_on_submit():
        person = codes.redeem_printed_code(form.code.data)
        if person is not None:
            return _start_session(person, "code")
        form.code.errors.append(_("Koden er feil, brukt eller utløpt. Be lederen din om en ny."))
        return render_template("accounts/use_printed_code.html", form=form), SIGN_IN_FAILED
    return render_template("accounts/use_printed_code.html", form=form), _shown_status(form)


@bp.route("/people/<int:person_id>/sign-in-code", methods=["GET", "POST"])
@for_person(roles=SIGN_IN_CODE_ROLES)
def printed_code(person_id: int):
    """A manager or admin of the person's unit makes a one-time code, shown once to print or read
    out (``can_make_sign_in_code``)."""
    person = db.get_or_404(Person, person_id)
    if not can_make_sign_in_code(current_user, person):
        abort(403)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        made = codes.issue_printed_code(person, current_user)
        record_by_user("person.sign_in_code", "person", person.id, {"code_id": made.id})
        address = current_app.config["BASE_URL"] + url_for("accounts.use_printed_code")
        page = render_template("accounts/printed_code.html", person=person, made=made, address=address)
        return page, {"Cache-Control": "no-store"}  # shown once: not kept for the back button
    return render_template("accounts/make_printed_code.html", person=person, form=form)


@bp.route("/logout", methods=["POST"])
@public
def sign_out():
    if ConfirmForm().validate_on_submit():
        sessions.end_this_session()
        logout_user()
        flash(_("Du er logget ut."), "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/logout/everywhere", methods=["POST"])
@signed_in
def sign_out_everywhere():
    if ConfirmForm().validate_on_submit():
        sessions.sign_out_everywhere(current_user)
        logout_user()
        flash(_("Du er logget ut på alle enheter."), "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        services.set_password(current_user, form.password.data)
        sessions.end_other_sessions(current_user)
        flash(_("Passordet er endret."), "success")
        return redirect(url_for("accounts.account"))
    page = render_template("accounts/account.html", form=form, confirm=ConfirmForm())
    return page, _shown_status(form)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    response = redirect(safe_next_url(request.form.get("next")) or url_for("core.home"))
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.locale = form.language.data
        response.set_cookie(
            "lang",
            form.language.data,
            max_age=365 * 24 * 3600,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response
