"""What the modules teach us: the overview of modules, one version's card statistics (page and
CSV), and the rating form a learner sends from the done page."""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import for_owner, person_signed_in, signed_in
from lms.content import services as content
from lms.content.localised import pick
from lms.content.models import ModuleVersion
from lms.core.spreadsheet import csv_writer
from lms.extensions import db
from lms.insights import services
from lms.insights.models import COMMENT_MAX_CHARACTERS
from lms.learning.models import Attempt

bp = Blueprint("insights", __name__, url_prefix="/insights")


@bp.app_template_global()
def sees_module_statistics() -> bool:
    """Whether the menu offers "Modulstatistikk": to whoever may open it, facilitators, admins and
    module owners (``services.may_see_any``; owning a module is read along with the signed-in
    person)."""
    person = person_signed_in()
    return person is not None and services.may_see_any(person)


def _locale() -> str:
    return str(get_locale())


@bp.route("/")
@signed_in
def index():
    """The module owner's and facilitator's list: their modules, answers and flagged cards."""
    if not services.may_see_any(current_user):
        abort(403)
    return render_template("insights/index.html", rows=services.overview(current_user), locale=_locale())


def _version_in_scope(version_id: int) -> tuple[ModuleVersion, services.Scope]:
    version = db.session.get(ModuleVersion, version_id) or abort(404)
    scope = services.scope_for(current_user, version.module)
    if scope is None:
        abort(403)
    return version, scope


@bp.route("/versions/<int:version_id>")
@signed_in
def version(version_id: int):
    """Checked inside: the module's owner, or a facilitator or admin (of the units they act on)."""
    version, scope = _version_in_scope(version_id)
    module = content.load_version(version)
    return render_template(
        "insights/version.html",
        version=version,
        module=module,
        stats=services.card_statistics(version, module, scope),
        ratings=services.ratings(version, scope),
        shown_from=services.SHOWN_FROM,
        flag_min=services.FLAG_MIN_ANSWERS,
        flag_share=round(services.FLAG_BELOW_SHARE * 100),
        locale=_locale(),
    )


@bp.route("/versions/<int:version_id>/cards.csv")
@signed_in
def version_csv(version_id: int):
    """The card statistics as CSV: one line per option (or per card without options)."""
    version, scope = _version_in_scope(version_id)
    module = content.load_version(version)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(_CSV_HEADER)
    for stats in services.card_statistics(version, module, scope):
        writer.writerows(_csv_rows(stats))
    name = f"{version.module_id}-{version.version}-kort.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


_CSV_HEADER = ("card", "position", "type", "answered", "share_right", "flagged", "option", "chosen")


def _csv_rows(stats: services.CardStats) -> list[list]:
    share = "" if stats.share_right is None else round(stats.share_right, 3)
    first = [stats.card.id, stats.card.index + 1, stats.card.type, stats.answered, share]
    first.append("yes" if stats.flagged else "")
    if not stats.options:
        return [[*first, "", ""]]
    return [[*first, pick(option.text, _locale()), option.count] for option in stats.options]


@bp.route("/attempts/<int:attempt_id>/rating", methods=["POST"])
@for_owner(Attempt, "attempt_id")
def rate(attempt: Attempt):
    """A thumbs up or down and an optional comment, once per completed attempt; stored without
    the person (``lms.insights.models``)."""
    thumbs = request.form.get("thumbs")
    if thumbs not in ("up", "down"):
        flash(_("Velg tommel opp eller ned."), "error")
    elif len(request.form.get("comment", "")) > COMMENT_MAX_CHARACTERS:
        flash(_("Skriv høyst %(count)s tegn.", count=COMMENT_MAX_CHARACTERS), "error")
    elif services.rate(attempt, thumbs == "up", request.form.get("comment")):
        db.session.commit()
        flash(_("Takk for vurderingen!"), "success")
    else:
        flash(_("Du har allerede vurdert modulen etter denne gjennomføringen."), "error")
    return redirect(url_for("learning.done", attempt_id=attempt.id))
