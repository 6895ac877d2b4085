"""Shift pages: a person's own shifts and calendar feed (``/shifts``), and a unit's roster import,
feed and shift codes for its managers (``/shifts/units/<unit_id>``)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.access import can_act_on_unit, for_owner, for_unit, signed_in
from lms.audit import services as audit
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.gone import already_gone
from lms.core.urls import row_id
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Role, Unit
from lms.shifts import services
from lms.shifts.forms import KIND_LABELS, CodeForm, FeedForm, RosterForm, ShiftForm
from lms.shifts.importer import mask_url
from lms.shifts.models import ShiftCode, ShiftFeed, ShiftSource
from lms.shifts.working_time import ShiftKind

bp = Blueprint("shifts", __name__, url_prefix="/shifts")

POLICY_ROLES = (Role.MANAGER, Role.ADMIN)
"""Who sets a unit's learning windows and reminders (``reminders.policy``), and so sees the link."""
SHOWN = timedelta(days=42)
FEED_REMOVED = "shifts.feed_remove"
"""The audit log's entry for a removed calendar feed: the tombstone a second tap on remove is
recognised by (details: the ``unit_id`` of a unit's feed, the ``person_id`` of a person's own)."""


@bp.app_template_filter("shift_kind")
def _shift_kind_label(kind) -> str:
    return str(KIND_LABELS.get(ShiftKind(kind), kind))


def _mine(form: ShiftForm | None = None, feed_form: FeedForm | None = None, status: int = 200):
    now = utcnow()
    shifts = services.shifts_of(current_user, now - timedelta(days=1), now + SHOWN)
    feeds = db.session.scalars(sa.select(ShiftFeed).where(ShiftFeed.person_id == current_user.id)).all()
    return (
        render_template(
            "shifts/mine.html",
            shifts=shifts,
            feeds=feeds,
            form=form or ShiftForm(prefix="shift"),
            feed_form=feed_form or FeedForm(prefix="feed"),
            mask_url=mask_url,
            manual=ShiftSource.MANUAL,
        ),
        status,
    )


@bp.route("/")
@signed_in
def mine():
    return _mine()


@bp.route("/add", methods=["POST"])
@signed_in
def add():
    form = ShiftForm(prefix="shift")
    if not form.validate_on_submit():
        return _mine(form=form, status=INVALID)
    try:
        services.add_shift(current_user, form.day.data, form.start.data, form.end.data, form.code.data)
    except services.ShiftError as error:
        form.day.errors = [str(p) for p in error.problems]
        return _mine(form=form, status=INVALID)
    flash(_("Vakten er lagt til."), "success")
    return redirect(url_for("shifts.mine"))


@bp.route("/delete", methods=["POST"])
@signed_in
def delete():
    """Delete the shifts ticked on "Mine vakter" (one button for the list, not one per shift)."""
    ids = request.form.getlist("shift", type=row_id)
    if not ids:
        flash(_("Kryss av vaktene du vil slette."), "error")
        return redirect(url_for("shifts.mine"))
    try:
        deleted = services.delete_own_shifts(current_user, ids)
    except services.NotYours:
        # A second tap, or a list open in two tabs, ticks shifts already deleted; the same answer
        # for someone else's or a roster's shift says nothing of whose they were.
        flash(
            _(
                "Ingen vakter ble slettet: noen av dem er allerede slettet eller kan ikke slettes "
                "her. Se lista slik den er nå."
            ),
            "error",
        )
        return redirect(url_for("shifts.mine"))
    flash(ngettext("%(num)s vakt er slettet.", "%(num)s vakter er slettet.", deleted), "success")
    return redirect(url_for("shifts.mine"))


@bp.route("/feed", methods=["POST"])
@signed_in
def add_feed():
    form = FeedForm(prefix="feed")
    if not form.validate_on_submit():
        return _mine(feed_form=form, status=INVALID)
    try:
        feed = services.add_feed(form.url.data, person=current_user)
    except services.ShiftError as error:
        form.url.errors = [str(p) for p in error.problems]
        return _mine(feed_form=form, status=INVALID)
    result = services.sync_feed(feed)
    if result is None:
        message = _("Kalenderen er lagret, men kunne ikke leses ennå: %(error)s", error=feed.last_error)
        flash(message, "error")
    else:
        flash(_("Kalenderen er lagret: %(count)s vakter.", count=result.added), "success")
    return redirect(url_for("shifts.mine"))


def _own_feed_gone(feed_id: int) -> None:
    """A remove sent again after the feed is gone (a second tap, a page left open): back to the
    list, saying so, when the person removed it themself (``audit.removed_by``); else the 404."""
    if audit.removed_by(current_user.id, FEED_REMOVED, "shift_feed", feed_id):
        already_gone(_("Kalenderen er allerede fjernet."), url_for("shifts.mine"))


@bp.route("/feeds/<int:feed_id>/delete", methods=["POST"])
@for_owner(ShiftFeed, "feed_id", gone=_own_feed_gone)
def delete_feed(feed: ShiftFeed):
    feed_id = feed.id
    db.session.delete(feed)
    record_by_user(FEED_REMOVED, "shift_feed", feed_id, {"person_id": current_user.id})
    flash(_("Kalenderen er fjernet, med vaktene fra den."), "success")
    return redirect(url_for("shifts.mine"))


# A unit's rosters --------------------------------------------------------------------------------


def _unit_page(unit: Unit, roster=None, feed_form=None, code_form=None, problems=(), status=200):
    feeds = db.session.scalars(sa.select(ShiftFeed).where(ShiftFeed.unit_id == unit.id)).all()
    codes = db.session.scalars(
        sa.select(ShiftCode).where(ShiftCode.unit_id == unit.id).order_by(ShiftCode.code)
    ).all()
    return (
        render_template(
            "shifts/unit.html",
            unit=unit,
            feeds=feeds,
            codes=codes,
            roster=roster or RosterForm(prefix="roster"),
            feed_form=feed_form or FeedForm(prefix="feed"),
            code_form=code_form or CodeForm(prefix="code"),
            problems=problems,
            mask_url=mask_url,
            sets_policy=can_act_on_unit(current_user, unit.id, POLICY_ROLES),
        ),
        status,
    )


def _unit(unit_id: int) -> Unit:
    return db.session.get(Unit, unit_id) or abort(404)


@bp.route("/units/<int:unit_id>")
@for_unit(arg="unit_id")
def unit(unit_id: int):
    return _unit_page(_unit(unit_id))


@bp.route("/units/<int:unit_id>/import", methods=["POST"])
@for_unit(arg="unit_id")
def import_roster(unit_id: int):
    unit = _unit(unit_id)
    form = RosterForm(prefix="roster")
    if not form.validate_on_submit():
        return _unit_page(unit, roster=form, status=INVALID)
    try:
        result = services.import_csv(unit.id, form.file.data.read())
    except services.ShiftError as error:
        return _unit_page(unit, roster=form, problems=[str(p) for p in error.problems], status=INVALID)
    details = {"added": result.added, "replaced": result.replaced, "people": result.people}
    record_by_user("shifts.import", "unit", unit.id, details)
    flash(
        _(
            "Turnusen er lest inn: %(added)s vakter for %(people)s personer (%(replaced)s erstattet).",
            added=result.added,
            people=result.people,
            replaced=result.replaced,
        ),
        "success",
    )
    return redirect(url_for("shifts.unit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/feed", methods=["POST"])
@for_unit(arg="unit_id")
def add_unit_feed(unit_id: int):
    unit = _unit(unit_id)
    form = FeedForm(prefix="feed")
    if not form.validate_on_submit():
        return _unit_page(unit, feed_form=form, status=INVALID)
    try:
        feed = services.add_feed(form.url.data, unit_id=unit.id)
    except services.ShiftError as error:
        form.url.errors = [str(p) for p in error.problems]
        return _unit_page(unit, feed_form=form, status=INVALID)
    record_by_user("shifts.import", "unit", unit.id, {"feed_id": feed.id})
    result = services.sync_feed(feed)
    if result is None:
        message = _("Kalenderen er lagret, men kunne ikke leses ennå: %(error)s", error=feed.last_error)
        flash(message, "error")
    else:
        flash(_("Kalenderen er lagret: %(count)s vakter.", count=result.added), "success")
    return redirect(url_for("shifts.unit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/feeds/<int:feed_id>/delete", methods=["POST"])
@for_unit(arg="unit_id")
def delete_unit_feed(unit_id: int, feed_id: int):
    back = url_for("shifts.unit", unit_id=unit_id)
    feed = db.session.get(ShiftFeed, feed_id)
    if feed is None and audit.removed_from(FEED_REMOVED, "shift_feed", feed_id, {unit_id}):
        already_gone(_("Kalenderen er allerede fjernet."), back)
    if feed is None or feed.unit_id != unit_id:
        abort(404)
    db.session.delete(feed)
    record_by_user(FEED_REMOVED, "shift_feed", feed_id, {"unit_id": unit_id})
    flash(_("Kalenderen er fjernet, med vaktene fra den."), "success")
    return redirect(back)


@bp.route("/units/<int:unit_id>/codes", methods=["POST"])
@for_unit(arg="unit_id")
def add_code(unit_id: int):
    unit = _unit(unit_id)
    form = CodeForm(prefix="code")
    if not form.validate_on_submit():
        return _unit_page(unit, code_form=form, status=INVALID)
    services.set_code(unit.id, form.code.data, ShiftKind(form.kind.data), form.label.data or "")
    flash(_("Vaktkoden er lagret."), "success")
    return redirect(url_for("shifts.unit", unit_id=unit.id))
