"""The follow-up page: "Hvordan gikk det?", three choices and a private note, for its owner only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from lms.access import for_owner
from lms.core.errors import INVALID
from lms.practice import services
from lms.practice.models import PracticeFollowUp
from lms.text import render_markdown

bp = Blueprint("practice", __name__, url_prefix="/practice")


@bp.route("/<int:follow_up_id>", methods=["GET", "POST"])
@for_owner(PracticeFollowUp, "follow_up_id")
def follow_up(follow_up: PracticeFollowUp):
    error = None
    if request.method == "POST":
        try:
            if services.answer(follow_up, request.form.get("choice"), request.form.get("note")):
                flash(_("Takk for svaret!"), "success")
            return redirect(url_for("practice.follow_up", follow_up_id=follow_up.id))
        except services.FollowUpError as problem:
            error = str(problem)
    module, card = services.module_and_card(follow_up)
    return render_template(
        "practice/follow_up.html",
        follow_up=follow_up,
        module=module,
        card=card,
        title=services.task_title(module, card),
        choices=services.CHOICES,
        note_max=services.NOTE_MAX_CHARACTERS,
        note_html=render_markdown(follow_up.note) if follow_up.note else None,
        error=error,
        typed=request.form if error else {},
        locale=str(get_locale()),
    ), (INVALID if error else 200)
