"""The admin page with the outbox's figures: what waits, what is sent, what the LRS refused. The
outbox carries every unit's statements, so it is an admin of a top unit's business."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from lms.access import top_admin_only
from lms.extensions import db
from xapi import outbox
from xapi.db import utcnow
from xapi.delivery import resume

bp = Blueprint("tracking", __name__, url_prefix="/admin/xapi")


@bp.route("/")
@top_admin_only
def status():
    now = utcnow()
    state = outbox.status(db.session)
    return render_template(
        "tracking/status.html",
        state=state,
        oldest_age=state.oldest_age(now),
        paused=bool(state.paused_until and state.paused_until > now),
        dead=outbox.dead_letters(db.session, limit=50),
        endpoint=current_app.config["LRS_ENDPOINT"],
    )


@bp.route("/retry-dead", methods=["POST"])
@top_admin_only
def retry_dead():
    count = outbox.retry_dead(db.session)
    flash(_("%(count)s utsagn er lagt i køen igjen.", count=count), "success")
    return redirect(url_for("tracking.status"))


@bp.route("/resume", methods=["POST"])
@top_admin_only
def resume_delivery():
    resume(db.session)
    flash(_("Leveransen er startet igjen."), "success")
    return redirect(url_for("tracking.status"))
