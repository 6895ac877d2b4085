"""Staff's "Min kompetanse" (evidence trail, requirement status, self-assessment) and the admin pages
for frameworks (Moodle CSV import and export)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import signed_in, top_admin_only
from lms.audit.services import record_by_user
from lms.competence import services
from lms.competence.models import Competence, EvidenceKind, Framework, State
from lms.content.localised import pick
from lms.core.errors import INVALID
from lms.core.urls import row_id
from lms.extensions import db

bp = Blueprint("competence", __name__)

MAX_UPLOAD = 2 * 1024 * 1024


@bp.app_template_global()
def competence_titles(codes) -> dict:
    """Titles of the competences with these codes, by code (for "Dette teller mot")."""
    return {code: c.titles for code, c in services.competences_by_code(codes).items()}


def _known_ceilings() -> dict[int, services.Ceiling]:
    if "competence_ceilings" not in g:
        g.competence_ceilings = services.ceilings()
    return g.competence_ceilings


@bp.app_template_global()
def proven(evidence) -> services.ProvenLevel:
    """What ``evidence`` counts for and what it would take to go higher (the ceilings are read
    once per request)."""
    return services.proven_level(evidence, _known_ceilings())


@bp.app_template_global()
def module_proves(competence) -> int:
    """The level a module's ``competence`` entry (code and level) counts for: what the module
    states, or less where the competence lets a module prove no more (its ceiling)."""
    found = services.competences_by_code([competence.competence]).get(competence.competence)
    ceiling = _known_ceilings().get(found.id) if found else None
    cap = ceiling.cap(EvidenceKind.MODULE) if ceiling else None
    return competence.level if cap is None else min(competence.level, cap)


@bp.route("/competence/me")
@signed_in
def mine():
    profile, requirements = services.profile_of(current_user)
    by_id = {r.id: r for r in requirements}
    trail = services.evidence_trail(current_user)
    return render_template(
        "competence/mine.html",
        states=[(by_id[s.requirement_id], s) for s in profile.requirements],
        levels=profile.levels,
        trail=trail,
        competences=services.competence_choices(),
        State=State,
        EvidenceKind=EvidenceKind,
    )


@bp.route("/competence/me/self-assessment", methods=["POST"])
@signed_in
def self_assessment():
    competence = db.session.get(Competence, request.form.get("competence", type=row_id) or 0)
    level = request.form.get("level", type=int)
    top = len(competence.framework.scale.levels) if competence else 0
    if competence is None or level is None or not 1 <= level <= top:
        flash(_("Velg en kompetanse og et nivå."), "error")
        return redirect(url_for("competence.mine"))
    services.self_assess(current_user, competence, level)
    flash(_("Egenvurderingen er lagret. Den er veiledende og oppfyller ingen krav."), "success")
    return redirect(url_for("competence.mine"))


@bp.route("/admin/competence", methods=["GET", "POST"])
@top_admin_only
def frameworks():
    problems = []
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(MAX_UPLOAD + 1) if upload else b""
        if not data:
            problems = [_("Velg en CSV-fil.")]
        else:
            result = services.import_framework(data)
            if isinstance(result, list):
                problems = [str(p) for p in result]
            else:
                record_by_user("framework.import", "framework", result.id)
                name = pick(result.titles, str(get_locale()))
                flash(_("Rammeverket «%(name)s» er importert.", name=name), "success")
                return redirect(url_for("competence.frameworks"))
        status = INVALID
        db.session.rollback()
    return (
        render_template(
            "competence/frameworks.html", frameworks=services.frameworks(), problems=problems
        ),
        status,
    )


@bp.route("/admin/competence/<int:framework_id>.csv")
@top_admin_only
def export(framework_id: int):
    framework = db.get_or_404(Framework, framework_id)
    record_by_user("framework.export", "framework", framework.id)
    return Response(
        services.export_framework(framework),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{framework.idnumber}.csv"'},
    )
