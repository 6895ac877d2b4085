"""Reminder pages: the in-app list with snooze, the person's channels and quiet hours, web push
subscription, and a unit's learning windows."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
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
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import for_owner, for_unit, signed_in
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.time import local_zone
from lms.db import utcnow
from lms.extensions import db
from lms.organisation.models import Role, Unit
from lms.reminders import channels, planner, services
from lms.reminders.forms import PolicyForm, PreferencesForm
from lms.reminders.models import PushSubscription, Reminder, ReminderPreference, UnitReminderPolicy
from lms.shifts.working_time import ShiftKind

bp = Blueprint("reminders", __name__, url_prefix="/reminders")


def _stage_label(stage: str, kind: str = "assignment") -> str:
    if kind == "session":
        return _("Samling")
    if kind == "practice":
        return _("Prøvd på vakt?")
    labels = {
        "opens": _("Ny"),
        "week": _("Frist om en uke"),
        "day": _("Frist i morgen"),
        "overdue": _("Forfalt"),
        "weekly": _("Ukeoversikt"),
    }
    return labels.get(stage, stage)


@bp.route("/")
@signed_in
def index():
    return render_template(
        "reminders/index.html",
        reminders=services.inbox(current_user),
        upcoming=services.upcoming(current_user),
        snoozed=db.session.scalars(
            sa.select(Reminder)
            .where(Reminder.person_id == current_user.id, Reminder.snoozed_until.is_not(None))
            .order_by(Reminder.snoozed_until)
        ).all(),
        stage_label=_stage_label,
        zone=local_zone(),
    )


@bp.route("/<int:reminder_id>/snooze", methods=["POST"])
@for_owner(Reminder, "reminder_id")
def snooze(reminder: Reminder):
    at = services.snooze(reminder)
    if at is None:
        flash(_("Fant ikke noe passende tidspunkt de neste fire ukene."), "error")
    else:
        flash(
            _(
                "Du får påminnelsen igjen %(when)s.",
                when=at.astimezone(local_zone()).strftime("%d.%m. %H:%M"),
            ),
            "success",
        )
    return redirect(url_for("reminders.index"))


@bp.route("/<int:reminder_id>/read", methods=["POST"])
@for_owner(Reminder, "reminder_id")
def mark_read(reminder: Reminder):
    reminder.read_at = reminder.read_at or utcnow()
    return redirect(url_for("reminders.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@signed_in
def preferences():
    stored = services.preferences_of(current_user.id)
    form = PreferencesForm(obj=stored)
    if form.validate_on_submit():
        db.session.merge(
            ReminderPreference(
                person_id=current_user.id,
                email=form.email.data,
                push=form.push.data,
                sms=form.sms.data,
                quiet_start=form.quiet_start.data,
                quiet_end=form.quiet_end.data,
                night_ok=form.night_ok.data,
                updated_at=utcnow(),
            )
        )
        flash(_("Valgene dine er lagret."), "success")
        return redirect(url_for("reminders.preferences"))
    status = INVALID if form.errors else 200
    return (
        render_template(
            "reminders/preferences.html",
            form=form,
            has_phone=bool(current_user.phone),
            subscriptions=db.session.scalar(
                sa.select(sa.func.count())
                .select_from(PushSubscription)
                .where(PushSubscription.person_id == current_user.id)
            ),
        ),
        status,
    )


@bp.route("/push/key")
@signed_in
def push_key():
    return jsonify(publicKey=channels.vapid_public_key(current_app.config["INSTANCE_PATH"]))


@bp.route("/push/subscriptions", methods=["POST"])
@signed_in
def subscribe():
    data = request.get_json(silent=True) or {}
    endpoint = str(data.get("endpoint") or "")
    keys = data.get("keys") or {}
    if not endpoint.startswith("https://") or not keys.get("p256dh") or not keys.get("auth"):
        abort(400)
    found = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if found is None:
        found = PushSubscription(endpoint=endpoint[:1000])
        db.session.add(found)
    found.person_id = current_user.id
    found.p256dh, found.auth = str(keys["p256dh"])[:200], str(keys["auth"])[:100]
    stored = services.preferences_of(current_user.id)
    stored.push = True
    db.session.merge(stored)
    return jsonify(ok=True), 201


def _policy_form(row: UnitReminderPolicy | None) -> PolicyForm:
    policy = services.policy_from_row(row) if row is not None else planner.Policy()
    hours = {kind: int(window.offset / timedelta(hours=1)) for kind, window in policy.windows.items()}
    return PolicyForm(
        day_offset=hours[ShiftKind.DAY],
        evening_offset=hours[ShiftKind.EVENING],
        night_offset=hours[ShiftKind.NIGHT],
        long_offset=hours[ShiftKind.LONG],
        length=int(policy.windows[ShiftKind.DAY].length / timedelta(minutes=1)),
        weekly_cap=policy.weekly_cap,
    )


@bp.route("/units/<int:unit_id>/policy", methods=["GET", "POST"])
@for_unit(Role.MANAGER, Role.ADMIN, arg="unit_id")
def policy(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    row = db.session.get(UnitReminderPolicy, unit_id)
    form = PolicyForm() if request.method == "POST" else _policy_form(row)
    if form.validate_on_submit():
        length = form.length.data
        services.set_policy(
            unit_id,
            {
                "day": (form.day_offset.data * 60, length),
                "evening": (form.evening_offset.data * 60, length),
                "night": (form.night_offset.data * 60, length),
                "long": (form.long_offset.data * 60, length),
            },
            form.weekly_cap.data,
        )
        record_by_user("reminder_policy.update", "unit", unit_id, {"weekly_cap": form.weekly_cap.data})
        flash(_("Enhetens læringsvinduer er lagret."), "success")
        return redirect(url_for("reminders.policy", unit_id=unit_id))
    status = INVALID if form.errors else 200
    return render_template("reminders/policy.html", unit=unit, form=form), status
