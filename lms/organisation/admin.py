"""Admin pages for units, people and roles, and the CSV import of people.

An admin acts on the units where they hold the admin role and every unit below them: every list,
choice and action here is limited to those units. A role is held on one unit, so granting and
removing it is per unit; a person's details and whether they are active are their account's, so only
an admin over every unit where they hold a role changes them (``lms.access.for_account``).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.access import (
    acted_on_unit_ids,
    admin_only,
    can_act_on_account,
    for_account,
    for_person,
    for_unit,
)
from lms.accounts.services import find_person_by_email, normalise_email, set_password
from lms.accounts.sessions import sign_out_everywhere
from lms.audit import services as audit
from lms.audit.services import record_by_user
from lms.core.errors import INVALID
from lms.core.gone import already_gone
from lms.core.paging import requested_page
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation import importer, services
from lms.organisation.forms import (
    NO_PARENT,
    ConfirmForm,
    EditPersonForm,
    EditUnitForm,
    ImportForm,
    NewPersonForm,
    RoleForm,
    UnitForm,
    unit_choices,
)
from lms.organisation.models import Person, Role, RoleAssignment, Unit, UnitKind

bp = Blueprint("admin", __name__, url_prefix="/admin")

PER_PAGE = 50
"""Status of a re-shown form with errors: the request wrapper rolls back, so nothing changes."""
MAX_PROBLEMS_SHOWN = 1000


def admin_unit_ids() -> frozenset[int]:
    return acted_on_unit_ids(current_user, {Role.ADMIN})


def _admin_units() -> list[Unit]:
    return services.units_in(admin_unit_ids())


@bp.route("/")
@admin_only
def index():
    return render_template("organisation/admin/index.html")


# Units ----------------------------------------------------------------------------------------------


@bp.route("/units")
@admin_only
def units():
    return render_template("organisation/admin/units.html", units=_admin_units())


def _parent_choices(unit: Unit | None = None) -> list[SelectChoice]:
    """The admin's units; a top level only for an admin of a top unit; a unit's current parent
    stays choosable even when it lies above the admin's units."""
    ids = admin_unit_ids()
    choices = unit_choices(services.units_in(ids))
    if unit is not None and unit.parent is not None and unit.parent_id not in ids:
        choices.insert(0, SelectChoice(unit.parent_id, unit.parent.name))
    if services.root_unit_ids(ids) or (unit is not None and unit.parent_id is None):
        choices.insert(0, SelectChoice(NO_PARENT, _("Øverst (ingen over)")))
    return choices


def _parent_from(form_field) -> Unit | None:
    return None if form_field.data == NO_PARENT else db.session.get(Unit, form_field.data)


def _name_is_free(form, parent: Unit | None, unit: Unit | None = None) -> bool:
    parent_id = parent.id if parent else None
    taken = services.sibling_named(parent_id, form.name.data, exclude_id=unit.id if unit else None)
    if taken is not None:
        form.name.errors.append(_("Det finnes allerede en enhet med dette navnet på samme sted."))
        return False
    return True


@bp.route("/units/new", methods=["GET", "POST"])
@admin_only
def new_unit():
    form = UnitForm()
    form.parent.choices = _parent_choices()
    if request.method == "GET" and request.args.get("parent", type=int) in admin_unit_ids():
        form.parent.data = request.args.get("parent", type=int)
    if form.validate_on_submit():
        parent = _parent_from(form.parent)
        if _name_is_free(form, parent):
            unit = services.create_unit(form.name.data, UnitKind(form.kind.data), parent)
            record_by_user("unit.create", "unit", unit.id, {"parent_id": unit.parent_id})
            flash(_("Enheten «%(name)s» er opprettet.", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    status = INVALID if form.errors else 200
    return render_template("organisation/admin/unit_form.html", form=form, unit=None), status


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@for_unit(Role.ADMIN)
def edit_unit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    form = EditUnitForm(obj=unit if request.method == "GET" else None)
    form.parent.choices = _parent_choices(unit)
    if request.method == "GET":
        form.parent.data = unit.parent_id or NO_PARENT
    if form.validate_on_submit():
        parent = _parent_from(form.parent)
        if _name_is_free(form, parent, unit) and _move(form, unit, parent):
            record_by_user("unit.update", "unit", unit.id, {"parent_id": unit.parent_id})
            flash(_("Enheten «%(name)s» er lagret.", name=unit.name), "success")
            return redirect(url_for("admin.units"))
    status = INVALID if form.errors else 200
    return render_template("organisation/admin/unit_form.html", form=form, unit=unit), status


def _move(form, unit: Unit, parent: Unit | None) -> bool:
    try:
        services.update_unit(unit, name=form.name.data, parent=parent)
    except ValueError:
        form.parent.errors.append(_("En enhet kan ikke flyttes inn under seg selv."))
        return False
    return True


# People ---------------------------------------------------------------------------------------------


@bp.route("/people")
@admin_only
def people():
    search = request.args.get("q", "").strip()
    page = requested_page()
    ids = admin_unit_ids()
    found, total = services.search_people(ids, search=search, page=page, per_page=PER_PAGE)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render_template(
        "organisation/admin/people.html",
        people=found,
        total=total,
        search=search,
        page=page,
        pages=pages,
        first=(page - 1) * PER_PAGE + 1,
        unit_ids=ids,
    )


def _email_is_free(form, person: Person | None = None) -> bool:
    other = find_person_by_email(form.email.data)
    if other is not None and other is not person:
        form.email.errors.append(_("Det finnes allerede en person med denne e-postadressen."))
        return False
    return True


@bp.route("/people/new", methods=["GET", "POST"])
@admin_only
def new_person():
    form = NewPersonForm()
    form.unit.choices = unit_choices(_admin_units())
    if form.validate_on_submit() and _email_is_free(form):
        person = services.create_person(
            form.name.data,
            email=form.email.data,
            phone=form.phone.data,
            job_title=form.job_title.data,
            start_date=form.start_date.data or local_today(),
        )
        person.ends_on = form.ends_on.data
        if form.password.data:
            set_password(person, form.password.data)
        services.grant_role(person, db.session.get(Unit, form.unit.data), Role(form.role.data))
        record_by_user(
            "person.create", "person", person.id, {"unit_id": form.unit.data, "role": form.role.data}
        )
        flash(_("%(name)s er opprettet.", name=person.name), "success")
        return redirect(url_for("admin.person", person_id=person.id))
    status = INVALID if form.errors else 200
    return render_template("organisation/admin/person_new.html", form=form), status


def _render_person(person: Person, form: EditPersonForm, role_form: RoleForm, status: int = 200):
    ids = admin_unit_ids()
    roles = sorted(
        (r for r in person.roles if r.unit_id in ids), key=lambda r: (r.unit.name.casefold(), r.role)
    )
    page = render_template(
        "organisation/admin/person.html",
        person=person,
        form=form,
        role_form=role_form,
        roles=roles,
        other_roles=len(person.roles) - len(roles),
        may_change_account=can_act_on_account(current_user, person.id),
    )
    return page, status


def _role_form() -> RoleForm:
    form = RoleForm()
    form.unit.choices = unit_choices(_admin_units())
    return form


@bp.route("/people/<int:person_id>")
@for_person(roles={Role.ADMIN})
def person(person_id: int):
    """The person's roles on the admin's units, and their details (editable only with
    ``for_account``'s rights, which ``save_person`` checks)."""
    person = db.get_or_404(Person, person_id)
    return _render_person(person, EditPersonForm(obj=person), _role_form())


@bp.route("/people/<int:person_id>", methods=["POST"])
@for_account()
def save_person(person_id: int):
    person = db.get_or_404(Person, person_id)
    form = EditPersonForm()
    if form.validate_on_submit() and _email_is_free(form, person) and _may_deactivate(form, person):
        _save_person(person, form)
        details = {"active": person.active, "ends_on": _iso(person.ends_on)}
        record_by_user("person.update", "person", person.id, details)
        flash(_("Endringene er lagret."), "success")
        return redirect(url_for("admin.person", person_id=person.id))
    return _render_person(person, form, _role_form(), INVALID if form.errors else 200)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _may_deactivate(form: EditPersonForm, person: Person) -> bool:
    """Nobody deactivates themselves or gives themselves an end date; an active person's end date
    may not have come already (the daily job would end the account again)."""
    if not form.active.data and person.id == current_user.id:
        form.active.errors.append(_("Du kan ikke deaktivere deg selv."))
        return False
    if form.ends_on.data is not None and person.id == current_user.id:
        form.ends_on.errors.append(_("Du kan ikke sette sluttdato for deg selv."))
        return False
    if form.active.data and form.ends_on.data is not None and form.ends_on.data <= local_today():
        form.ends_on.errors.append(
            _("Datoen er passert. Flytt den fram eller fjern den for at personen skal være aktiv.")
        )
        return False
    return True


def _save_person(person: Person, form: EditPersonForm) -> None:
    was_active = person.active
    person.name = form.name.data
    person.email = normalise_email(form.email.data)
    person.phone = form.phone.data or None
    person.job_title = form.job_title.data or None
    person.start_date = form.start_date.data or person.start_date
    person.ends_on = form.ends_on.data
    person.active = form.active.data
    db.session.flush()
    if was_active and not person.active:
        sign_out_everywhere(person)


@bp.route("/people/<int:person_id>/roles", methods=["POST"])
@for_person(roles={Role.ADMIN})
def add_role(person_id: int):
    person = db.get_or_404(Person, person_id)
    role_form = _role_form()
    if not role_form.validate_on_submit():
        return _render_person(person, EditPersonForm(formdata=None, obj=person), role_form, INVALID)
    unit = db.session.get(Unit, role_form.unit.data)
    role = Role(role_form.role.data)
    if any(r.unit_id == unit.id and r.role == role for r in person.roles):
        flash(_("%(name)s har allerede denne rollen.", name=person.name), "info")
    else:
        services.grant_role(person, unit, role)
        record_by_user("role.grant", "person", person.id, {"unit_id": unit.id, "role": role.value})
        flash(_("Rollen er gitt."), "success")
    return redirect(url_for("admin.person", person_id=person.id))


@bp.route("/people/<int:person_id>/roles/<int:assignment_id>/remove", methods=["POST"])
@for_person(roles={Role.ADMIN})
def remove_role(person_id: int, assignment_id: int):
    assignment = db.session.get(RoleAssignment, assignment_id)
    back = url_for("admin.person", person_id=person_id)
    if assignment is None and audit.removed_from(
        "role.revoke", "person", person_id, admin_unit_ids(), assignment_id=assignment_id
    ):
        already_gone(_("Rollen er allerede fjernet."), back)
    if assignment is None or assignment.person_id != person_id:
        abort(404)
    if assignment.unit_id not in admin_unit_ids():
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if len(assignment.person.roles) == 1:
        flash(_("En person må ha minst én rolle. Gjør personen inaktiv i stedet."), "error")
    else:
        details = {
            "unit_id": assignment.unit_id,
            "role": assignment.role.value,
            "assignment_id": assignment.id,
        }
        services.revoke_role(assignment)
        record_by_user("role.revoke", "person", person_id, details)
        flash(_("Rollen er fjernet."), "success")
    return redirect(back)


# Import ---------------------------------------------------------------------------------------------


@bp.route("/people/import", methods=["GET", "POST"])
@admin_only
def import_people():
    form = ImportForm()
    if not form.validate_on_submit():
        status = INVALID if form.errors else 200
        return render_template("organisation/admin/import.html", form=form, problems=[]), status
    data = form.file.data.stream.read(importer.MAX_BYTES + 1)
    outcome = services.import_people(data, admin_unit_ids(), current_user._get_current_object())
    if isinstance(outcome, list):
        page = render_template(
            "organisation/admin/import.html",
            form=form,
            problems=outcome[:MAX_PROBLEMS_SHOWN],
            not_shown=max(len(outcome) - MAX_PROBLEMS_SHOWN, 0),
            filename=form.file.data.filename,
        )
        return page, INVALID
    return render_template("organisation/admin/import_done.html", result=outcome)
