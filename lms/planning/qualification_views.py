"""A person's formal qualifications, recorded and checked again by a leader of their unit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import for_person
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.models import Person
from lms.planning import qualifications
from lms.planning.blueprint import PLANNING_ROLES, bp
from lms.planning.forms import CheckForm, QualificationForm
from lms.planning.models import QualificationKind


def _page(person: Person, form: QualificationForm, status: int = 200):
    page = render_template(
        "planning/qualifications.html",
        person=person,
        qualifications=qualifications.qualifications_of(person),
        form=form,
        check_form=CheckForm(),
        QualificationKind=QualificationKind,
    )
    return page, status


@bp.route("/people/<int:person_id>/qualifications", methods=["GET", "POST"])
@for_person(roles=PLANNING_ROLES)
def person_qualifications(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = QualificationForm()
    if not form.is_submitted():
        return _page(person, form)
    if not form.validate():
        return _page(person, form, INVALID)
    found = qualifications.record_qualification(
        person,
        QualificationKind(form.kind.data),
        form.title.data,
        checked_by=current_user,
        checked_on=local_today(),
        achieved_on=form.achieved_on.data,
        hpr_number=form.hpr_number.data,
    )
    record_by_user(
        "qualification.record",
        "person",
        person.id,
        {"qualification_id": found.id, "kind": found.kind.value},
    )
    db.session.commit()
    flash(_("Kvalifikasjonen er registrert."), "success")
    return redirect(url_for(".person_qualifications", person_id=person.id))


@bp.route("/people/<int:person_id>/qualifications/check", methods=["POST"])
@for_person(roles=PLANNING_ROLES)
def check_qualification(person_id: int):
    """A leader has checked a qualification again today (e.g. the authorisation in the register)."""
    person = db.get_or_404(Person, person_id)
    form = CheckForm()
    if not form.validate_on_submit():
        return _page(person, QualificationForm(formdata=None), INVALID)
    found = next(
        (q for q in qualifications.qualifications_of(person) if q.id == form.qualification.data), None
    )
    if found is None:
        abort(404)
    qualifications.check_again(found, current_user, local_today())
    record_by_user("qualification.check", "person", person.id, {"qualification_id": found.id})
    db.session.commit()
    flash(_("Kontrollert i dag."), "success")
    return redirect(url_for(".person_qualifications", person_id=person.id))
