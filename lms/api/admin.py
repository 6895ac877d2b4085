"""The admin page for API keys (``/admin/api``): make a key with scopes (its text shown once) and
revoke one. Keys reach every unit's data, so only an admin of a top-level unit manages them."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from lms.access import top_admin_only
from lms.api import keys
from lms.audit.services import record_by_user
from lms.extensions import db
from lms.organisation.forms import ConfirmForm

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api")


class NewKeyForm(FlaskForm):
    name = StringField(
        _l("Navn"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(), Length(max=100)],
        description=_l("Hvilket system nøkkelen er til, for eksempel «HR-systemet»."),
    )
    scopes = SelectMultipleField(
        _l("Tilganger"),
        choices=[SelectChoice(scope, scope) for scope in keys.SCOPES],
        validators=[DataRequired(_l("Velg minst én tilgang."))],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    submit = SubmitField(_l("Lag nøkkel"))


def _render(form: NewKeyForm, created: tuple[str, str] | None = None, status: int = 200):
    page = render_template(
        "api/admin.html", form=form, keys=keys.list_keys(), scopes=keys.SCOPES, created=created
    )
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/", methods=["GET", "POST"])
@top_admin_only
def index():
    form = NewKeyForm()
    if not form.validate_on_submit():
        return _render(form, status=422 if form.errors else 200)
    key, text = keys.create_key(form.name.data, form.scopes.data, by=current_user)
    record_by_user("api_key.create", "api_key", key.id, {"scopes": key.scopes})
    return _render(NewKeyForm(formdata=None), created=(key.name, text))


@bp.route("/<int:key_id>/revoke", methods=["POST"])
@top_admin_only
def revoke(key_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    key = keys.revoke(key_id)
    if key is not None:
        record_by_user("api_key.revoke", "api_key", key.id)
        flash(_("API-nøkkelen %(name)s er trukket tilbake.", name=key.name), "success")
    else:
        flash(_("Fant ingen aktiv API-nøkkel med den id-en."), "error")
    db.session.flush()
    return redirect(url_for("api_admin.index"))
