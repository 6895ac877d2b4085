"""Forms of the workshop pages. Choices (modules, units) are filled in by the views."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from lms.workshops.models import DEFAULT_SHARE


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SeriesForm(FlaskForm):
    title = StringField(_l("Tittel"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Beskrivelse"),
        description=_l("Hva gruppen skal jobbe med. Du kan bruke Markdown."),
        validators=[Length(max=20000)],
    )
    agenda = TextAreaField(
        _l("Agenda for hver samling"),
        description=_l("Ett steg per linje med minutter først, for eksempel «10 min Innledning»."),
        validators=[Length(max=5000)],
    )
    questions = TextAreaField(
        _l("Spørsmål til refleksjon"),
        description=_l("Ett spørsmål per linje."),
        validators=[Length(max=5000)],
    )
    modules = CheckboxList(_l("Moduler som hører til"), choices=[], validate_choice=True)
    place = StringField(_l("Sted"), filters=[_strip], validators=[Optional(), Length(max=200)])
    capacity = IntegerField(
        _l("Antall plasser"),
        default=7,
        description=_l("ABC-grupper er gjerne 6–7 personer."),
        validators=[InputRequired(), NumberRange(min=1, max=200)],
    )
    required_share = IntegerField(
        _l("Andel samlinger for å fullføre (%)"),
        default=DEFAULT_SHARE,
        description=_l("Regnet i hele samlinger: 80 % av fire samlinger er tre."),
        validators=[InputRequired(), NumberRange(min=1, max=100)],
    )
    submit = SubmitField(_l("Lagre"))


class SessionForm(FlaskForm):
    day = DateField(_l("Dato"), validators=[InputRequired()])
    start = TimeField(_l("Fra klokken"), validators=[InputRequired()])
    end = TimeField(_l("Til klokken"), validators=[InputRequired()])
    place = StringField(
        _l("Sted"),
        filters=[_strip],
        description=_l("La stå tomt for seriens sted."),
        validators=[Optional(), Length(max=200)],
    )
    submit = SubmitField(_l("Lagre samlingen"))


class InviteForm(FlaskForm):
    unit = SelectField(_l("Enhet"), coerce=int)
    role = SelectField(_l("Rolle"))
    submit = SubmitField(_l("Inviter"))


class NotesForm(FlaskForm):
    notes = TextAreaField(
        _l("Notater"), description=_l("Du kan bruke Markdown."), validators=[Length(max=20000)]
    )
    submit = SubmitField(_l("Lagre notatene"))


class ActionForm(FlaskForm):
    """An agreed action; the owner's choices (the facilitator and the participants) are filled in
    by the view."""

    text = StringField(
        _l("Tiltak"),
        filters=[_strip],
        description=_l("Hva gruppen ble enige om å gjøre."),
        validators=[DataRequired(), Length(max=500)],
    )
    owner = SelectField(_l("Ansvarlig"), coerce=int)
    due_on = DateField(_l("Frist"), validators=[InputRequired()])
    submit = SubmitField(_l("Legg til tiltaket"))


USEFULNESS_CHOICES = [
    SelectChoice("1", _l("1 – lite nyttig")),
    SelectChoice("2", "2"),
    SelectChoice("3", "3"),
    SelectChoice("4", "4"),
    SelectChoice("5", _l("5 – svært nyttig")),
]


class EvaluationForm(FlaskForm):
    usefulness = RadioField(
        _l("Hvor nyttig var samlingen?"),
        choices=USEFULNESS_CHOICES,
        validators=[InputRequired(message=_l("Velg et tall fra 1 til 5."))],
    )
    takeaway = TextAreaField(_l("Hva tar du med deg?"), validators=[Length(max=2000)])
    improve = TextAreaField(_l("Hva kan bli bedre?"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Send evalueringen"))
