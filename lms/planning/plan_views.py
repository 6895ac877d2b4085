"""The yearly competence plan pages: open (with the needs filled in), add needs and measures, move
a measure's status, write the evaluation, export as DOCX. The year is a query or form value."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.access import acted_on_unit_ids, for_unit, holds_any, person_signed_in, signed_in
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Person, Unit
from lms.organisation.services import ancestors, units_in
from lms.planning import plans
from lms.planning.blueprint import PLANNING_ROLES, bp
from lms.planning.export import plan_document
from lms.planning.forms import EvaluationForm, MeasureForm, NeedForm, StatusForm
from lms.planning.models import MeasureKind, MeasureStatus, Plan

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.app_template_global()
def leads_planning() -> bool:
    person = person_signed_in()
    return person is not None and holds_any(person, PLANNING_ROLES)


def _year() -> int:
    """The plan's year from the query or form (this year when absent or odd)."""
    value = request.values.get("year", type=int)
    this_year = local_today().year
    return value if value and this_year - 10 <= value <= this_year + 2 else this_year


@bp.route("/")
@signed_in
def index():
    """The units whose plans and surveys the person makes; straight to the one when only one."""
    units = [u for u in units_in(acted_on_unit_ids(current_user, PLANNING_ROLES)) if u.depth == 0]
    if not units:
        abort(403)
    if len(units) == 1:
        return redirect(url_for(".plan", unit_id=units[0].id))
    return render_template("planning/index.html", units=units)


def _plan_page(unit: Unit, plan: Plan, status: int = 200, **forms):
    owners = plans.owner_choices(unit)
    measure_form = forms.get("measure_form") or MeasureForm(year=plan.year, due_on=local_today())
    measure_form.owner.choices = [SelectChoice(p.id, p.name) for p in owners]
    page = render_template(
        "planning/plan.html",
        unit=unit,
        path=ancestors(unit),
        plan=plan,
        unit_plans=plans.units_with_plans(unit, plan.year),
        modules_for=plans.modules_for,
        need_form=forms.get("need_form") or NeedForm(year=plan.year),
        measure_form=measure_form,
        evaluation_form=forms.get("evaluation_form")
        or EvaluationForm(year=plan.year, evaluation=plan.evaluation),
        status_form=StatusForm(year=plan.year),
        MeasureStatus=MeasureStatus,
    )
    return page, status


def _plan(unit_id: int) -> tuple[Unit, Plan]:
    """The unit's plan for the year in the request, opened (with its needs) if there was none."""
    unit = db.get_or_404(Unit, unit_id)
    plan, _made = plans.open_plan(unit, _year(), current_user)
    return unit, plan


@bp.route("/units/<int:unit_id>/plan")
@for_unit(*PLANNING_ROLES)
def plan(unit_id: int):
    """The unit's plan for the year, made with the gaps and survey findings filled in the first
    time it is opened."""
    unit = db.get_or_404(Unit, unit_id)
    plan, made = plans.open_plan(unit, _year(), current_user)
    if made:
        record_by_user("plan.change", "unit", unit.id, {"year": plan.year, "what": "create"})
        db.session.commit()
    return _plan_page(unit, plan)


def _back(plan: Plan):
    return redirect(url_for(".plan", unit_id=plan.unit_id, year=plan.year))


@bp.route("/units/<int:unit_id>/plan/needs/refresh", methods=["POST"])
@for_unit(*PLANNING_ROLES)
def refresh_needs(unit_id: int):
    """Fill the gap and survey needs in again from what they say now."""
    _unit, plan = _plan(unit_id)
    plans.fill_in_needs(plan)
    record_by_user("plan.change", "unit", unit_id, {"year": plan.year, "what": "needs"})
    db.session.commit()
    flash(_("Behovene er hentet på nytt."), "success")
    return _back(plan)


@bp.route("/units/<int:unit_id>/plan/needs", methods=["POST"])
@for_unit(*PLANNING_ROLES)
def add_need(unit_id: int):
    unit, plan = _plan(unit_id)
    form = NeedForm()
    if not form.validate_on_submit():
        return _plan_page(unit, plan, INVALID, need_form=form)
    plans.add_need(plan, form.text.data)
    record_by_user("plan.change", "unit", unit_id, {"year": plan.year, "what": "need"})
    db.session.commit()
    flash(_("Behovet er lagt til."), "success")
    return _back(plan)


@bp.route("/units/<int:unit_id>/plan/measures", methods=["POST"])
@for_unit(*PLANNING_ROLES)
def add_measure(unit_id: int):
    unit, plan = _plan(unit_id)
    owners = {p.id: p for p in plans.owner_choices(unit)}
    form = MeasureForm()
    form.owner.choices = [SelectChoice(pid, p.name) for pid, p in owners.items()]
    if not form.validate_on_submit():
        return _plan_page(unit, plan, INVALID, measure_form=form)
    owner: Person = owners[form.owner.data]
    measure = plans.add_measure(
        plan, MeasureKind(form.kind.data), form.title.data, owner, form.due_on.data
    )
    record_by_user("plan.change", "unit", unit_id, {"year": plan.year, "measure_id": measure.id})
    db.session.commit()
    flash(_("Tiltaket er lagt til."), "success")
    return _back(plan)


@bp.route("/units/<int:unit_id>/plan/measures/status", methods=["POST"])
@for_unit(*PLANNING_ROLES)
def set_status(unit_id: int):
    unit, plan = _plan(unit_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Statusen ble ikke endret: velg en av statusene i lista og prøv igjen."), "error")
        return _plan_page(unit, plan, INVALID)
    measure = plans.measure_of(plan, form.measure.data)
    if measure is None:
        abort(404)
    plans.set_status(measure, MeasureStatus(form.status.data))
    record_by_user(
        "plan.change",
        "unit",
        unit_id,
        {"year": plan.year, "measure_id": measure.id, "status": measure.status.value},
    )
    db.session.commit()
    flash(
        _("«%(title)s» er nå %(status)s.", title=measure.title, status=measure.status.label), "success"
    )
    return _back(plan)


@bp.route("/units/<int:unit_id>/plan/evaluation", methods=["POST"])
@for_unit(*PLANNING_ROLES)
def evaluation(unit_id: int):
    unit, plan = _plan(unit_id)
    form = EvaluationForm()
    if not form.validate_on_submit():
        return _plan_page(unit, plan, INVALID, evaluation_form=form)
    plans.set_evaluation(plan, form.evaluation.data or "")
    record_by_user("plan.change", "unit", unit_id, {"year": plan.year, "what": "evaluation"})
    db.session.commit()
    flash(_("Evalueringen er lagret."), "success")
    return _back(plan)


@bp.route("/units/<int:unit_id>/plan.docx")
@for_unit(*PLANNING_ROLES)
def export(unit_id: int):
    """The plan as a Word document, with the plans of the units below (for an area)."""
    unit, plan = _plan(unit_id)
    data = plan_document(plan, plans.plans_below(unit, plan.year))
    record_by_user("report.export", "unit", unit.id, {"report": "plan", "format": "docx"})
    db.session.commit()
    return Response(
        data,
        mimetype=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{_filename(unit, plan.year)}"'},
    )


NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})


def _filename(unit: Unit, year: int) -> str:
    """``kompetanseplan-sjoglott-sykehjem-2-etasje-2026.docx``: ASCII letters, digits and dashes."""
    name = unit.name.lower().translate(NORWEGIAN_LETTERS)
    safe = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in name)
    safe = "-".join(part for part in safe.split("-") if part) or "enhet"
    return f"kompetanseplan-{safe}-{year}.docx"
