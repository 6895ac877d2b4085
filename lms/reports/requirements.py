"""Changing and removing a competence requirement, for the managers (and admins) of its unit or a
unit above it: the same people who may add one (``reports.requirements``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from lms.access import for_unit
from lms.audit import services as audit
from lms.audit.services import record_by_user
from lms.competence import requirements as changes_to
from lms.competence.models import Requirement
from lms.core.errors import INVALID
from lms.core.gone import already_gone
from lms.extensions import db
from lms.organisation.models import JOB_TITLES, Role, Unit
from lms.organisation.services import ancestors, unit_ids_below
from lms.reports.forms import RequirementForm

bp = Blueprint("requirements", __name__, url_prefix="/reports/units/<int:unit_id>/requirements")

REPORT_ROLES = (Role.MANAGER, Role.ADMIN)


def _requirement(unit_id: int, requirement_id: int) -> Requirement:
    """The requirement, if it is on the unit or a unit below it (else 404). One removed from there
    (the form sent again, or a page left open) leads back to the list with a message."""
    requirement = db.session.get(Requirement, requirement_id)
    below = unit_ids_below([unit_id])
    if requirement is None and audit.removed_from(
        "requirement.delete", "requirement", requirement_id, below
    ):
        already_gone(_("Kravet er allerede fjernet."), _list_url(unit_id))
    if requirement is None or requirement.unit_id not in below:
        abort(404)
    return requirement


def _list_url(unit_id: int) -> str:
    return url_for("reports.requirements", unit_id=unit_id)


def _back(unit_id: int):
    return redirect(_list_url(unit_id))


def _page(template: str, unit_id: int, requirement: Requirement, status: int = 200, **context):
    unit = db.session.get(Unit, unit_id)
    return (
        render_template(
            template,
            unit=unit,
            path=ancestors(unit),
            requirement=requirement,
            job_titles=JOB_TITLES,
            **context,
        ),
        status,
    )


@bp.route("/<int:requirement_id>/edit", methods=["GET", "POST"])
@for_unit(*REPORT_ROLES)
def edit(unit_id: int, requirement_id: int):
    requirement = _requirement(unit_id, requirement_id)
    made = changes_to.assignments_of(requirement)
    form = RequirementForm(
        top_level=len(requirement.competence.framework.scale.levels),
        data={
            "min_level": requirement.min_level,
            "mandatory": "1" if requirement.mandatory else "0",
            "validity_months": requirement.validity_months,
            "renewal_days": requirement.renewal_days,
            "due_on": made[0].due_on if made else None,
            "recur_months": made[0].recur_months if made else None,
        },
    )
    if form.validate_on_submit():
        changes = changes_to.update_requirement(
            requirement,
            min_level=form.min_level.data,
            mandatory=form.mandatory.data == "1",
            validity_months=form.validity_months.data,
            renewal_days=form.renewal_days.data,
            assign_due_on=form.due_on.data,
            recur_months=form.recur_months.data,
        )
        details = {"unit_id": requirement.unit_id, "changes": changes}
        record_by_user("requirement.update", "requirement", requirement.id, details)
        flash(_("Kravet er endret."), "success")
        return _back(unit_id)
    status = INVALID if form.is_submitted() else 200
    return _page("reports/requirement_edit.html", unit_id, requirement, status, form=form, made=made)


@bp.route("/<int:requirement_id>/remove", methods=["GET", "POST"])
@for_unit(*REPORT_ROLES)
def remove(unit_id: int, requirement_id: int):
    """GET: what removing it takes with it; POST (the confirmation): remove it."""
    requirement = _requirement(unit_id, requirement_id)
    form = FlaskForm()
    if form.validate_on_submit():
        details = {"unit_id": requirement.unit_id, "competence_id": requirement.competence_id}
        removal = changes_to.remove_requirement(requirement)
        details |= {"people": removal.people, "assignments": removal.assignments}
        record_by_user("requirement.delete", "requirement", requirement_id, details)
        flash(_("Kravet er fjernet."), "success")
        return _back(unit_id)
    status = INVALID if form.is_submitted() else 200
    removal = changes_to.removal_of(requirement)
    return _page("reports/requirement_remove.html", unit_id, requirement, status, removal=removal)
