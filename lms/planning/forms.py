"""Forms of the plan, the needs survey and formal qualifications (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from lms.planning.models import (
    MEASURE_KIND_LABELS,
    MEASURE_STATUS_LABELS,
    QUALIFICATION_KIND_LABELS,
    QualificationKind,
)
from lms.planning.qualifications import normalised_hpr
from lms.planning.text import plain

MAX_SYSTEMS = 15


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key.value, label) for key, label in labels.items()]


def _plain(limit: int):
    return lambda value: plain(value, limit) if isinstance(value, str) else value


class NeedForm(FlaskForm):
    year = HiddenField()
    text = TextAreaField(
        _l("Behov"),
        filters=[_plain(1000)],
        validators=[DataRequired(_l("Skriv behovet.")), Length(max=1000)],
        description=_l("Med dine egne ord, for eksempel «Flere må kunne bruke velferdsteknologien»."),
    )


class MeasureForm(FlaskForm):
    year = HiddenField()
    title = StringField(
        _l("Tiltak"),
        filters=[_plain(300)],
        validators=[DataRequired(_l("Skriv hva tiltaket er.")), Length(max=300)],
    )
    kind = SelectField(_l("Type"), choices=_choices(MEASURE_KIND_LABELS))
    owner = SelectField(_l("Ansvarlig"), coerce=int, validators=[InputRequired()])
    due_on = DateField(_l("Frist"), validators=[InputRequired(_l("Velg en dato."))])


class StatusForm(FlaskForm):
    year = HiddenField()
    measure = IntegerField(validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=_choices(MEASURE_STATUS_LABELS))


class EvaluationForm(FlaskForm):
    year = HiddenField()
    evaluation = TextAreaField(
        _l("Evaluering ved årets slutt"),
        filters=[_plain(5000)],
        validators=[Length(max=5000)],
        description=_l("Hva ble gjort, hva virket, og hva tar dere med til neste år?"),
    )


class SurveyForm(FlaskForm):
    title = StringField(
        _l("Tittel"),
        filters=[_plain(200)],
        validators=[DataRequired(_l("Skriv en tittel.")), Length(max=200)],
    )
    systems = TextAreaField(
        _l("Systemer dere bruker i arbeidet"),
        filters=[_plain(2000)],
        validators=[DataRequired(_l("Skriv minst ett system."))],
        description=_l("Ett per linje, for eksempel «Gerica», «Medisinrom», «Digitalt tilsyn»."),
    )
    closes_on = DateField(_l("Svarfrist"), validators=[InputRequired(_l("Velg en dato."))])

    def validate_systems(self, field) -> None:
        if len(self.system_list()) > MAX_SYSTEMS:
            raise ValidationError(_l("Høyst %(n)s systemer.", n=MAX_SYSTEMS))

    def system_list(self) -> list[str]:
        lines = [line.strip()[:60] for line in (self.systems.data or "").splitlines()]
        return list(dict.fromkeys(line for line in lines if line))


class AnswerForm(FlaskForm):
    """The CSRF token only: the answers are read per system from the posted form."""


class QualificationForm(FlaskForm):
    kind = SelectField(_l("Type"), choices=_choices(QUALIFICATION_KIND_LABELS))
    title = StringField(
        _l("Hva"),
        filters=[_plain(200)],
        validators=[DataRequired(_l("Skriv hva kvalifikasjonen er.")), Length(max=200)],
        description=_l("For eksempel «Sykepleier», «Helsearbeiderfaget» eller «Demensomsorg»."),
    )
    hpr_number = StringField(
        _l("HPR-nummer"),
        description=_l("For autorisasjon: 7 til 9 sifre fra Helsepersonellregisteret."),
    )
    achieved_on = DateField(_l("Dato oppnådd"), validators=[Optional()])

    def validate_hpr_number(self, field) -> None:
        if self.kind.data != QualificationKind.AUTHORISATION.value:
            return
        if normalised_hpr(field.data) is None:
            raise ValidationError(_l("HPR-nummeret skal være 7 til 9 sifre."))


class CheckForm(FlaskForm):
    qualification = IntegerField(validators=[InputRequired()])
