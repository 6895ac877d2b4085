"""Forms of the shift pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, StringField, TimeField
from wtforms.validators import URL, DataRequired, Length, Optional

from lms.shifts.working_time import ShiftKind

KIND_LABELS = {
    ShiftKind.DAY: _l("Dagvakt"),
    ShiftKind.EVENING: _l("Kveldsvakt"),
    ShiftKind.NIGHT: _l("Nattevakt"),
    ShiftKind.LONG: _l("Langvakt"),
}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ShiftForm(FlaskForm):
    day = DateField(_l("Dato"), validators=[DataRequired()])
    start = TimeField(_l("Fra"), validators=[DataRequired()])
    end = TimeField(
        _l("Til"),
        description=_l("Slutter vakten før den begynner, er det neste dag (nattevakt)."),
        validators=[DataRequired()],
    )
    code = StringField(
        _l("Vaktkode (valgfri)"), filters=[_strip], validators=[Optional(), Length(max=20)]
    )


class FeedForm(FlaskForm):
    url = StringField(
        _l("Adresse til kalenderen (iCalendar)"),
        description=_l("Adressen er hemmelig. Den lagres, men vises aldri i sin helhet."),
        filters=[_strip],
        validators=[DataRequired(), Length(max=2000), URL(require_tld=False)],
    )


class RosterForm(FlaskForm):
    file = FileField(
        _l("Turnusfil (CSV)"),
        description=_l(
            "Kolonner: e-post, dato, start, slutt og eventuelt kode. "
            "Ingen kolonne for fravær eller årsak."
        ),
        validators=[FileRequired()],
    )


class CodeForm(FlaskForm):
    code = StringField(_l("Kode"), filters=[_strip], validators=[DataRequired(), Length(max=20)])
    kind = SelectField(
        _l("Type vakt"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
    )
    label = StringField(_l("Beskrivelse"), filters=[_strip], validators=[Optional(), Length(max=100)])
