"""Forms of the introduction pages: a programme, an item, a sign-off and a mentor."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from lms.core.time import local_today
from lms.introduction.models import ITEM_KIND_LABELS, DueRule, ItemKind
from lms.organisation.models import JOB_TITLES


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ProgrammeForm(FlaskForm):
    title = StringField(
        _l("Navn på programmet"),
        filters=[_strip],
        validators=[DataRequired(_l("Skriv et navn.")), Length(max=200)],
        description=_l("For eksempel «Ny i hjemmesykepleien, helsefagarbeider»."),
    )
    job_title = SelectField(
        _l("Stilling"),
        choices=[SelectChoice("", _l("Alle stillinger"))]
        + [SelectChoice(code, label) for code, label in JOB_TITLES.items()],
        description=_l("Nye i enheten med denne stillingen får programmet."),
    )


class ItemForm(FlaskForm):
    kind = RadioField(
        _l("Hva"),
        choices=[SelectChoice(kind.value, label) for kind, label in ITEM_KIND_LABELS.items()],
        default=ItemKind.SIGN_OFF.value,
    )
    module = SelectField(_l("Modul"), choices=[], validate_choice=False)
    series = SelectField(_l("Samlingsrekke"), choices=[], validate_choice=False)
    title = StringField(
        _l("Praktisk punkt"),
        filters=[_strip],
        validators=[Length(max=200)],
        description=_l("For eksempel «Medisinrommet», «Alarmsystemet», «EPJ»."),
    )
    due_rule = RadioField(
        _l("Frist regnet fra start"),
        choices=[
            SelectChoice(DueRule.SHIFT.value, _l("Innen vakt nummer")),
            SelectChoice(DueRule.DAYS.value, _l("Innen antall dager")),
        ],
        default=DueRule.SHIFT.value,
    )
    due_count = IntegerField(
        _l("Antall"),
        default=3,
        validators=[
            InputRequired(_l("Skriv et tall.")),
            NumberRange(1, 365, _l("Skriv et tall fra 1 til 365.")),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        """The field that the chosen kind needs must be filled in (a module or series from the
        list)."""
        valid = super().validate(extra_validators)
        needed = {
            ItemKind.MODULE.value: (self.module, _l("Velg en modul.")),
            ItemKind.WORKSHOP.value: (self.series, _l("Velg en samlingsrekke.")),
            ItemKind.SIGN_OFF.value: (self.title, _l("Skriv hva som skal vises og gjennomgås.")),
        }
        field, message = needed.get(self.kind.data, (None, None))
        listed = field is self.title or field is None or field.data in dict(field.choices)
        if field is not None and (not field.data or not listed):
            field.errors = [*field.errors, message]
            return False
        return valid


class SignOffForm(FlaskForm):
    item = SelectField(_l("Punkt"), coerce=int, choices=[])
    done_on = DateField(_l("Dato"), validators=[InputRequired(_l("Velg en dato."))])

    def validate_done_on(self, field: DateField) -> None:
        if field.data and field.data > local_today():
            raise ValidationError(_l("Datoen kan ikke være fram i tid."))


class MentorForm(FlaskForm):
    mentor = SelectField(_l("Fadder"), coerce=int, choices=[])
