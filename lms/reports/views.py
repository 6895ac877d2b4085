"""The manager's view of their units: completion, the competence matrix (HTML, CSV, XLSX), the
audit list, requirements, and a person's requirement status with sign-off and certificates.

Managers (and admins) see their units and the units below; never answers, reflections, scores,
attempt counts or sign-in times.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import acted_on_unit_ids, for_person, for_unit, holds_any, person_signed_in, signed_in
from lms.audit.services import record_by_user
from lms.competence import services as competence
from lms.competence.models import Competence, EvidenceKind, State
from lms.core.errors import INVALID
from lms.core.time import local_today
from lms.core.urls import row_id
from lms.extensions import db
from lms.learning.standing import Standing
from lms.organisation.models import JOB_TITLES, ROLE_LABELS, Person, Role, Unit
from lms.organisation.services import ancestors, unit_ids_below, units_in
from lms.reports import exports, services
from lms.reports.chart import bar_chart

bp = Blueprint("reports", __name__, url_prefix="/reports")
T = TypeVar("T")

REPORT_ROLES = (Role.MANAGER, Role.ADMIN)


def _report_unit_ids() -> frozenset[int]:
    return acted_on_unit_ids(current_user, REPORT_ROLES)


@bp.app_template_global()
def leads_reports() -> bool:
    person = person_signed_in()
    return person is not None and holds_any(person, REPORT_ROLES)


def _locale() -> str:
    """The language ``create_app``'s locale selector chose for this request."""
    return str(get_locale())


@bp.route("/")
@signed_in
def index():
    units = [u for u in units_in(_report_unit_ids()) if u.depth == 0]
    if not units:
        abort(403)
    if len(units) == 1:
        return redirect(url_for("reports.unit", unit_id=units[0].id))
    return render_template("reports/index.html", units=units)


def _scope(unit_id: int) -> tuple[Unit, set[int]]:
    unit = db.get_or_404(Unit, unit_id)
    return unit, unit_ids_below([unit.id])


@bp.route("/units/<int:unit_id>")
@for_unit(*REPORT_ROLES)
def unit(unit_id: int):
    unit, scope = _scope(unit_id)
    today = local_today()
    weeks = services.weekly_completions(scope, today)
    labels = [format_date(w.starts_on, "d.M") for w in weeks]
    chart = bar_chart(
        labels,
        [w.completions for w in weeks],
        title=_("Fullførte moduler per uke"),
        desc=_("Søyler for de siste %(n)s ukene; tallene står i tabellen ved siden av.", n=len(weeks)),
    )
    return render_template(
        "reports/unit.html",
        unit=unit,
        path=ancestors(unit),
        completion=services.completion(scope, today),
        weeks=weeks,
        chart=chart,
        columns=services.summary(scope),
        State=State,
        standing_labels={standing.value: standing.label for standing in Standing},
    )


def _filename(unit: Unit, what: str, suffix: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in unit.name.lower()).strip("-")
    return f"{what}-{safe}-{local_today().isoformat()}.{suffix}"


def _audit_rows(lines) -> list[list]:
    rows = [[_("Navn"), _("Stilling"), _("Status"), _("Nivå"), _("Krav"), _("Siden"), _("Gyldig til")]]
    for line in lines:
        c = line.cell
        rows.append(
            [
                line.person.name,
                line.person.job_title_label,
                c.state.label,
                c.level or "",
                c.required,
                format_date(c.since) if c.since else "",
                format_date(c.valid_until) if c.valid_until else "",
            ]
        )
    return rows


@bp.route("/units/<int:unit_id>/audit")
@for_unit(*REPORT_ROLES)
def audit(unit_id: int):
    unit, scope = _scope(unit_id)
    columns = services.summary(scope)
    chosen = db.session.get(Competence, request.args.get("competence", type=row_id) or 0)
    if chosen is None and columns:
        chosen = columns[0].competence
    lines = services.audit(scope, chosen) if chosen else []
    if request.args.get("format") == "csv" and chosen:
        details = {"report": "audit", "format": "csv", "competence_id": chosen.id}
        record_by_user("report.export", "unit", unit.id, details)
        return Response(
            exports.to_csv(_audit_rows(lines)),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="{_filename(unit, chosen.code, "csv")}"'
            },
        )
    return render_template(
        "reports/audit.html",
        unit=unit,
        path=ancestors(unit),
        columns=columns,
        chosen=chosen,
        lines=lines,
        State=State,
    )


@bp.route("/units/<int:unit_id>/requirements", methods=["GET", "POST"])
@for_unit(*REPORT_ROLES)
def requirements(unit_id: int):
    unit, scope = _scope(unit_id)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = request.form
        chosen = db.session.get(Competence, form.get("competence", type=row_id) or 0)
        level = form.get("min_level", type=int)
        validity = form.get("validity_months", type=int) if form.get("validity_months") else None
        renewal = form.get("renewal_days", type=int, default=60)
        role = form.get("role") or None
        job_title = form.get("job_title") or None
        due = form.get("due_on") or ""
        recur = form.get("recur_months", type=int) if form.get("recur_months") else None
        target = db.session.get(Unit, form.get("unit", type=row_id) or 0)
        if chosen is None:
            errors.append(_("Velg en kompetanse."))
        elif level is None or not 1 <= level <= len(chosen.framework.scale.levels):
            errors.append(_("Velg et nivå på skalaen."))
        if target is None or target.id not in scope:
            errors.append(_("Velg en enhet du leder."))
        if validity is not None and not 1 <= validity <= 120:
            errors.append(_("Gyldighet skal være mellom 1 og 120 måneder, eller tom."))
        if renewal is None or not 0 <= renewal <= 365:
            errors.append(_("Fornyelsesvarsel skal være mellom 0 og 365 dager."))
        if role is not None and role not in Role.__members__.values():
            errors.append(_("Ukjent rolle."))
        if job_title is not None and job_title not in JOB_TITLES:
            errors.append(_("Ukjent stilling."))
        if form.get("recur_months") and not 1 <= (recur or 0) <= 60:
            errors.append(
                _("Gjentas hver … måned: skriv et tall fra 1 til 60, eller la feltet stå tomt.")
            )
        due_on = None
        if due:
            try:
                due_on = date.fromisoformat(due)
            except ValueError:
                errors.append(_("Fristen skal være en dato."))
        if not errors:
            requirement = competence.add_requirement(
                chosen,
                target,
                level,
                mandatory=form.get("mandatory") == "1",
                role=Role(role) if role else None,
                job_title=job_title,
                validity_months=validity,
                renewal_days=renewal,
                by=current_user,
                assign_due_on=due_on,
                recur_months=recur,
            )
            record_by_user("requirement.create", "requirement", requirement.id, {"unit_id": target.id})
            flash(_("Kravet er lagt til."), "success")
            return redirect(url_for("reports.requirements", unit_id=unit.id))
        status = INVALID
    return (
        render_template(
            "reports/requirements.html",
            unit=unit,
            path=ancestors(unit),
            requirements=services.requirements_in_scope(scope),
            competences=competence.competence_choices(),
            units=units_in(scope),
            roles=ROLE_LABELS,
            job_titles=JOB_TITLES,
            errors=errors,
        ),
        status,
    )


@bp.route("/people/<int:person_id>", methods=["GET"])
@for_person(roles=REPORT_ROLES)
def person(person_id: int):
    person = db.get_or_404(Person, person_id)
    profile, reqs = competence.profile_of(person)
    by_id = {r.id: r for r in reqs}
    trail = [e for e in competence.evidence_trail(person) if e.kind != EvidenceKind.SELF]
    return render_template(
        "reports/person.html",
        person=person,
        states=[(by_id[s.requirement_id], s) for s in profile.requirements],
        trail=trail,
        competences=competence.competence_choices(),
        State=State,
        EvidenceKind=EvidenceKind,
        today=local_today(),
    )


def _evidence_form() -> tuple[Competence | None, int | None, list[str]]:
    chosen = db.session.get(Competence, request.form.get("competence", type=row_id) or 0)
    level = request.form.get("level", type=int)
    errors = []
    if chosen is None:
        errors.append(_("Velg en kompetanse."))
    elif level is None or not 1 <= level <= len(chosen.framework.scale.levels):
        errors.append(_("Velg et nivå på skalaen."))
    return chosen, level, errors


@bp.route("/people/<int:person_id>/sign-off", methods=["POST"])
@for_person(roles=REPORT_ROLES)
def sign_off(person_id: int):
    person = db.get_or_404(Person, person_id)
    chosen, level, errors = _evidence_form()
    if person.id == current_user.id:
        errors.append(_("Du kan ikke godkjenne din egen praksis."))
    if errors:
        for error in errors:
            flash(error, "error")
        return redirect(url_for("reports.person", person_id=person.id))
    note = request.form.get("note", "")[:500]
    evidence = competence.sign_off(current_user, person, chosen, level, note=note)
    record_by_user(
        "competence.sign_off", "person", person.id, {"evidence_id": evidence.id, "level": level}
    )
    flash(_("Observert praksis er godkjent."), "success")
    return redirect(url_for("reports.person", person_id=person.id))


@bp.route("/people/<int:person_id>/certificate", methods=["POST"])
@for_person(roles=REPORT_ROLES)
def certificate(person_id: int):
    person = db.get_or_404(Person, person_id)
    chosen, level, errors = _evidence_form()
    name = request.form.get("name", "").strip()
    if not name:
        errors.append(_("Skriv navnet på kurset eller beviset."))
    try:
        achieved_on = date.fromisoformat(request.form.get("achieved_on", ""))
        until = request.form.get("valid_until", "")
        valid_until = date.fromisoformat(until) if until else None
    except ValueError:
        errors.append(_("Datoene skal være datoer."))
        achieved_on = valid_until = None
    if achieved_on and valid_until and valid_until <= achieved_on:
        errors.append(_("«Gyldig til» må være etter datoen beviset ble tatt."))
    if errors:
        for error in errors:
            flash(error, "error")
        return redirect(url_for("reports.person", person_id=person.id))
    competence.register_certificate(
        person,
        chosen,
        level,
        name=name,
        achieved_on=achieved_on,
        valid_until=valid_until,
        by=current_user,
    )
    flash(_("Kursbeviset er registrert."), "success")
    return redirect(url_for("reports.person", person_id=person.id))
