from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from lms.access import acted_on_unit_ids, public, signed_in
from lms.assignments.services import due_for
from lms.core.time import local_today, local_zone
from lms.core.today import due_in_words, lapsed, next_step, sessions_on
from lms.extensions import db
from lms.groups import services as groups
from lms.introduction import services as introduction
from lms.learning.services import overview
from lms.organisation.services import units_in
from lms.workshops import pages as workshop_pages

bp = Blueprint("core", __name__)


@bp.route("/")
@signed_in
def home():
    """ "I dag": the one next step, today's workshop sessions, then the rest of what the person has
    due, in progress, done and can start; leaders also see their units."""
    led_units = [u for u in units_in(acted_on_unit_ids(current_user)) if u.depth == 0]
    today = local_today()
    due = due_for(current_user, today)
    mine = overview(current_user)
    retaken = mine.retaken()
    step = next_step(due, mine.in_progress, today, retaken)
    first = {step.module_id} if step else set()
    due_ids = {item.module_id for item in due}
    leads = bool(led_units)
    open_runs = groups.runs_led_by(current_user)[0] if leads else []
    series = workshop_pages.series_in_units(acted_on_unit_ids(current_user)) if leads else []
    return render_template(
        "core/home.html",
        step=step,
        sessions_today=sessions_on(today, workshop_pages.my_workshops(current_user), local_zone()),
        due=[item for item in due if item.module_id not in first],
        due_in_words=due_in_words,
        standings=mine.standings(),
        retaken=retaken,
        lapsed=lapsed(due, mine.completed, today),
        covers=mine.covers(),
        in_progress=[a for a in mine.in_progress if a.module_id not in due_ids | first],
        available=[v for v in mine.available if v.module_id not in due_ids],
        completed=mine.completed,
        unfinished=mine.unfinished,
        today=today,
        led_units=led_units,
        open_runs=open_runs,
        led_series=[s for s in series if s.closed_at is None],
        locale=str(get_locale()),
        introductions=introduction.programmes_of(current_user),
        mentor=introduction.is_mentor(current_user),
    )


@bp.route("/healthz")
@public
def health():
    db.session.execute(sa.select(1))
    return {"status": "ok"}


THEME_COLOUR = "#0b5394"


@bp.route("/manifest.webmanifest")
@public
def web_app_manifest():
    """What a phone needs to put Lærevakt on its home screen as an app ("Legg til på Hjem-skjerm"):
    name, icons, where it starts, and that it opens without the browser's bars."""
    icon = "icons/icon-{}.png".format
    manifest = {
        "name": "Lærevakt",
        "short_name": "Lærevakt",
        "lang": "nb",
        "start_url": url_for("core.home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": url_for("static", filename="icons/icon.svg"), "sizes": "any",
             "type": "image/svg+xml"},
            *({"src": url_for("static", filename=icon(size)), "sizes": f"{size}x{size}",
               "type": "image/png"} for size in (192, 512)),
        ],
    }  # fmt: skip
    response = current_app.json.response(manifest)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
