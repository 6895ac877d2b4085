"""A unit's manager or admin marks the modules that earn a credential when passed by anyone holding
a role in the unit or a unit below it (``lms.credentials.modules``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import for_unit
from lms.content.services import published_versions
from lms.credentials import modules
from lms.extensions import db
from lms.organisation.models import Role, Unit

bp = Blueprint("credential_modules", __name__)

MARKING_ROLES = (Role.MANAGER, Role.ADMIN)


@bp.route("/credentials/units/<int:unit_id>/modules", methods=["GET", "POST"])
@for_unit(*MARKING_ROLES)
def unit_modules(unit_id: int):
    unit = db.session.get(Unit, unit_id) or abort(404)
    versions = published_versions()
    if request.method == "POST":
        known = {version.module_id for version in versions}
        chosen = set(request.form.getlist("module_ids")) & known
        modules.set_marked(unit, chosen, current_user)
        db.session.commit()
        flash(_("Modulene som gir mikrobevis er lagret."), "success")
        return redirect(url_for("credential_modules.unit_modules", unit_id=unit.id))
    return render_template(
        "credentials/unit_modules.html",
        unit=unit,
        versions=versions,
        marked=modules.marked_module_ids(unit.id),
        inherited=modules.inherited_module_ids(unit),
        locale=str(get_locale()),
    )
