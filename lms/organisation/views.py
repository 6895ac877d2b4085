"""The pages leaders use: a unit with the people in it, and a person's page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from lms.access import LEADING_ROLES, acted_on_unit_ids, can_act_on_unit, for_person, for_unit
from lms.extensions import db
from lms.organisation import services
from lms.organisation.models import Person, Role, Unit

bp = Blueprint("organisation", __name__)


@bp.route("/units/<int:unit_id>")
@for_unit()
def unit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    subtree = services.unit_ids_below([unit.id])
    people = services.people_in_units(subtree)
    return render_template(
        "organisation/unit.html",
        unit=unit,
        path=services.ancestors(unit),
        subunits=services.units_in(subtree - {unit.id}),
        people=people,
        subtree=subtree,
        led=acted_on_unit_ids(current_user),
        manages=can_act_on_unit(current_user, unit.id, {Role.MANAGER, Role.ADMIN}),
    )


@bp.route("/people/<int:person_id>")
@for_person()
def person(person_id: int):
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    visible_units = acted_on_unit_ids(current_user, LEADING_ROLES)
    roles = [r for r in person.roles if person.id == current_user.id or r.unit_id in visible_units]
    return render_template("organisation/person.html", person=person, roles=roles)
