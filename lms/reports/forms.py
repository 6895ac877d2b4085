"""Forms of the managers' pages: changing and removing a competence requirement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectChoice, ValidationError
from wtforms.validators import InputRequired, NumberRange, Optional

RECUR_MONTHS = NumberRange(1, 60, _l("Skriv et tall fra 1 til 60, eller la feltet stå tomt."))


class RequirementForm(FlaskForm):
    """A requirement's level, kind and validity; with the due date and recurrence of the modules
    it assigned, when it assigned any (``assigns``)."""

    min_level = IntegerField(
        _l("Minste nivå"),
        validators=[InputRequired(_l("Skriv et nivå på skalaen."))],
    )
    mandatory = RadioField(
        _l("Type"),
        choices=[SelectChoice("1", _l("Påbudt")), SelectChoice("0", _l("Anbefalt"))],
        default="1",
    )
    validity_months = IntegerField(
        _l("Gyldighet i måneder"),
        description=_l("Tom: varig."),
        validators=[
            Optional(),
            NumberRange(1, 120, _l("Skriv et tall fra 1 til 120, eller la feltet stå tomt.")),
        ],
    )
    renewal_days = IntegerField(
        _l("Varsel om fornyelse, dager før"),
        validators=[
            InputRequired(_l("Skriv et antall dager.")),
            NumberRange(0, 365, _l("Skriv et tall fra 0 til 365.")),
        ],
    )
    due_on = DateField(_l("Frist for de tildelte modulene"), validators=[Optional()])
    recur_months = IntegerField(
        _l("Gjentas hver … måned"),
        description=_l("Tom: én gang. Neste frist er fullføringsdatoen pluss så mange måneder."),
        validators=[Optional(), RECUR_MONTHS],
    )

    def __init__(self, *args, top_level: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.top_level = top_level

    def validate_min_level(self, field: IntegerField) -> None:
        if field.data is not None and not 1 <= field.data <= self.top_level:
            raise ValidationError(_l("Velg et nivå fra 1 til %(top)s.", top=self.top_level))
