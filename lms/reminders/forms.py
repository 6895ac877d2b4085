"""Forms of the reminder pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TimeField
from wtforms.validators import DataRequired, InputRequired, NumberRange


class PreferencesForm(FlaskForm):
    email = BooleanField(_l("E-post"))
    push = BooleanField(
        _l("Varsel på telefonen (web push)"),
        description=_l(
            "Lærevakt varsler denne telefonen når du har noe å gjøre, også når siden er lukket; "
            "telefonen spør deg om lov første gang."
        ),
    )
    sms = BooleanField(_l("SMS"), description=_l("Sendes til telefonnummeret på kontoen din."))
    quiet_start = TimeField(_l("Stille fra"), validators=[DataRequired()])
    quiet_end = TimeField(_l("Stille til"), validators=[DataRequired()])
    night_ok = BooleanField(
        _l("Påminnelser i stilletiden når jeg er på kvelds- eller nattevakt"),
    )


class PolicyForm(FlaskForm):
    day_offset = IntegerField(
        _l("Dagvakt: timer etter vaktstart"), validators=[InputRequired(), NumberRange(0, 12)]
    )
    evening_offset = IntegerField(
        _l("Kveldsvakt: timer etter vaktstart"), validators=[InputRequired(), NumberRange(0, 12)]
    )
    night_offset = IntegerField(
        _l("Nattevakt: timer etter vaktstart"), validators=[InputRequired(), NumberRange(0, 12)]
    )
    long_offset = IntegerField(
        _l("Langvakt: timer etter vaktstart"), validators=[InputRequired(), NumberRange(0, 14)]
    )
    length = IntegerField(
        _l("Vinduets lengde i minutter"), validators=[InputRequired(), NumberRange(15, 240)]
    )
    weekly_cap = IntegerField(
        _l("Høyst påminnelser per person per uke"), validators=[InputRequired(), NumberRange(1, 7)]
    )
