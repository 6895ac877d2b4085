"""The needs survey pages: a manager sends one to a unit and reads its results (in aggregate, from
``MIN_ANSWERS`` answers; also as CSV); staff answer on their phone."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import for_unit, signed_in
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Unit
from lms.organisation.services import ancestors
from lms.planning import surveys
from lms.planning.blueprint import PLANNING_ROLES, bp
from lms.planning.forms import AnswerForm, SurveyForm
from lms.planning.models import Survey


@bp.app_template_global()
def surveys_waiting() -> list[Survey]:
    """For the home page ("Mine"): the surveys the person may answer. Only that page asks, so the
    other pages run no query for it."""
    if not current_user.is_authenticated:
        return []
    return surveys.open_surveys_for(current_user, local_today())


def _surveys_page(unit: Unit, form: SurveyForm, status: int = 200):
    found = [(s, surveys.results(s)) for s in surveys.surveys_of(unit.id)]
    page = render_template(
        "planning/surveys.html",
        unit=unit,
        path=ancestors(unit),
        found=found,
        form=form,
        min_answers=surveys.MIN_ANSWERS,
        today=local_today(),
    )
    return page, status


@bp.route("/units/<int:unit_id>/surveys", methods=["GET", "POST"])
@for_unit(*PLANNING_ROLES)
def surveys_page(unit_id: int):
    """The unit's surveys with their number of answers, and a form to send a new one."""
    unit = db.get_or_404(Unit, unit_id)
    form = SurveyForm()
    if request.method == "GET":
        return _surveys_page(unit, form)
    if not form.validate_on_submit():
        return _surveys_page(unit, form, INVALID)
    survey = surveys.create_survey(
        unit.id, form.title.data, form.system_list(), form.closes_on.data, current_user
    )
    mailed = surveys.announce(survey, local_today())
    record_by_user("survey.create", "unit", unit.id, {"survey_id": survey.id, "mailed": mailed})
    db.session.commit()
    flash(_("Kartleggingen er sendt til %(unit)s.", unit=unit.name), "success")
    return redirect(url_for(".surveys_page", unit_id=unit.id))


def _survey_of(unit_id: int, survey_id: int) -> Survey:
    """The survey if it was sent to this unit (a survey of another unit is not found here)."""
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.unit_id != unit_id:
        abort(404)
    return survey


@bp.route("/units/<int:unit_id>/surveys/<int:survey_id>")
@for_unit(*PLANNING_ROLES)
def survey_results(unit_id: int, survey_id: int):
    survey = _survey_of(unit_id, survey_id)
    found = surveys.results(survey)
    suggestions = {s.system: surveys.suggested_modules(s.system) for s in surveys.unsure_systems(found)}
    return render_template(
        "planning/results.html",
        unit=survey.unit,
        path=ancestors(survey.unit),
        results=found,
        suggestions=suggestions,
        min_answers=surveys.MIN_ANSWERS,
        confidence_labels=surveys.CONFIDENCE_LABELS,
        preference_labels=surveys.PREFERENCE_LABELS,
    )


@bp.route("/units/<int:unit_id>/surveys/<int:survey_id>/results.csv")
@for_unit(*PLANNING_ROLES)
def survey_csv(unit_id: int, survey_id: int):
    """The results as CSV: the same aggregate as the page, and nothing below ``MIN_ANSWERS``."""
    survey = _survey_of(unit_id, survey_id)
    record_by_user("report.export", "unit", unit_id, {"report": "survey", "format": "csv"})
    db.session.commit()
    name = f"kartlegging-{survey.id}-{local_today().isoformat()}.csv"
    return Response(
        results_csv(surveys.results(survey)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def results_csv(found: surveys.Results) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    levels = list(surveys.CONFIDENCE_LABELS)
    writer.writerow([_("System"), _("Svar"), *[str(surveys.CONFIDENCE_LABELS[n]) for n in levels]])
    if not found.shown:
        writer.writerow([_("For få svar til å vise resultater"), found.answers])
        return out.getvalue()
    for system in found.systems:
        counts = [system.counts[n] for n in levels] if system.shown else []
        writer.writerow([system.system, system.answers, *counts])
    writer.writerow([])
    writer.writerow([_("Hvordan vil du helst lære?"), _("Svar")])
    for key, count in found.preferences:
        writer.writerow([str(surveys.PREFERENCE_LABELS[key]), count])
    return out.getvalue()


# Staff answer ------------------------------------------------------------------------------------


@bp.route("/surveys")
@signed_in
def my_surveys():
    """The open surveys the person has not answered yet."""
    return render_template(
        "planning/my_surveys.html", surveys=surveys.open_surveys_for(current_user, local_today())
    )


def _answerable(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or not surveys.may_answer(current_user, survey, local_today()):
        abort(404)
    return survey


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@signed_in
def answer(survey_id: int):
    """Answer a survey of one's unit, once; the answer is stored without the person."""
    survey = _answerable(survey_id)
    form = AnswerForm()
    if surveys.has_answered(current_user, survey):
        flash(_("Du har allerede svart. Takk!"), "success")
        return redirect(url_for(".my_surveys"))
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        confidence = {
            system: request.form.get(f"system-{n}", type=int) for n, system in enumerate(survey.systems)
        }
        surveys.answer(survey, current_user, confidence, request.form.getlist("preference"))
        db.session.commit()
        flash(_("Takk for svaret!"), "success")
        return redirect(url_for(".my_surveys"))
    return render_template(
        "planning/answer.html",
        survey=survey,
        form=form,
        confidence_labels=surveys.CONFIDENCE_LABELS,
        preference_labels=surveys.PREFERENCE_LABELS,
    )
