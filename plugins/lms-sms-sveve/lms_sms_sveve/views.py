"""``/admin/sms-sveve/``: the gateway's status, the SMS sent today and a form that sends a test
SMS. For admins of the municipality (``top_admin_only``): the account is the whole installation's."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from lms.access import top_admin_only
from lms_sms_sveve import records, service
from lms_sms_sveve.gateway import InvalidNumber, SveveError, e164

bp = Blueprint("sms_sveve", __name__, url_prefix="/admin/sms-sveve", template_folder="templates")


class TestSmsForm(FlaskForm):
    phone = StringField(
        _l("Mobilnummer"),
        validators=[DataRequired(_l("Skriv et mobilnummer.")), Length(max=32)],
        description=_l("Med landkode, f.eks. +47 912 34 567; uten landkode regnes det som norsk."),
    )
    submit = SubmitField(_l("Send test-SMS"))

    def validate_phone(self, field: StringField) -> None:
        try:
            field.data = e164(field.data)
        except InvalidNumber:
            raise ValidationError(
                _("«%(phone)s» er ikke et gyldig mobilnummer.", phone=field.data)
            ) from None


@bp.route("/", methods=["GET", "POST"])
@top_admin_only
def status():
    form = TestSmsForm()
    if form.validate_on_submit():
        try:
            service.send_test(form.phone.data)
        except (SveveError, OSError) as error:
            flash(_("Sveve sendte ikke meldingen: %(problem)s", problem=str(error)), "error")
        else:
            flash(_("Test-SMS sendt til %(phone)s.", phone=form.phone.data), "success")
            return redirect(url_for("sms_sveve.status"))
    config = current_app.config
    return render_template(
        "sms_sveve/status.html",
        form=form,
        is_reminder_gateway=service.is_the_reminder_gateway(),
        configured=bool(config["SVEVE_USER"] and config["SVEVE_PASSWORD"]),
        user=config["SVEVE_USER"],
        sender=config["SVEVE_SENDER"],
        balance=records.balance(config["INSTANCE_PATH"]),
        sent_today=service.sent_today(),
    ), (200 if not form.errors else 400)
