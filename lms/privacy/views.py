"""Mine data (the page and its JSON export), an admin's deletion of a person (with a confirmation
page), and the public privacy and accessibility statements."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.access import for_account, public, signed_in
from lms.core.gone import already_gone
from lms.core.time import local_today
from lms.extensions import db
from lms.organisation.forms import ConfirmForm
from lms.organisation.models import Person
from lms.privacy import services

bp = Blueprint("privacy", __name__)


@bp.route("/account/data")
@signed_in
def mine():
    return render_template("privacy/mine.html", sections=services.sections(current_user))


@bp.route("/account/data.json")
@signed_in
def export():
    body = json.dumps(services.export(current_user), ensure_ascii=False, indent=2)
    filename = f"laerevakt-mine-data-{local_today().isoformat()}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/admin/people/<int:person_id>/delete", methods=["GET", "POST"])
@for_account()
def delete_person(person_id: int):
    person = db.get_or_404(Person, person_id)
    if person.erased_at is not None:
        already_gone(_("Personen er allerede slettet."), url_for("admin.people"))
    if person.id == current_user.id:
        flash(_("Du kan ikke slette deg selv."), "error")
        return redirect(url_for("admin.person", person_id=person.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        services.erase(person, current_user._get_current_object())
        flash(_("Personen er slettet. Læringsdata er beholdt uten navn."), "success")
        return redirect(url_for("admin.people"))
    return render_template(
        "privacy/delete_person.html",
        person=person,
        form=form,
        consequences=services.erasure_consequences(),
    )


def _statement(name: str) -> str:
    return render_template(f"privacy/{name}_{get_locale()}.html")


@bp.route("/personvern")
@public
def privacy_statement():
    return _statement("privacy")


@bp.route("/tilgjengelighet")
@public
def accessibility_statement():
    return _statement("accessibility")
