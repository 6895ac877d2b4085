"""Signing in (password or e-mailed link), signing out, and the person's own account settings."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from lms.access import public, signed_in
from lms.accounts import services, sessions, throttle
from lms.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    LanguageForm,
    SignInForm,
    SignInLinkForm,
)
from lms.core.errors import render_error
from lms.core.urls import safe_next_url
from lms.extensions import limiter
from lms.mail import queue_mail

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = 401


def _sign_in_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT"]


def _submitted_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code == SIGN_IN_FAILED


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
    return render_template("accounts/sign_in.html", form=form)


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
        if person is not None and person.active:
            _send_sign_in_link(person)
        return render_template("accounts/link_sent.html", email=form.email.data)
    return render_template("accounts/request_link.html", form=form)


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
    return render_template("accounts/account.html", form=form, confirm=ConfirmForm())


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
