"""Forms of the admin pages. Choices of units are filled in by the view: only the admin's own units."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TelField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.organisation.models import JOB_TITLES, ROLE_LABELS, UNIT_KIND_LABELS, Unit, UnitKind
from lms.organisation.phones import BadPhoneNumber, normalise_phone

NO_PARENT = 0
"""The parent choice for a top-level unit (a municipality)."""


def unit_choices(units: Iterable[Unit]) -> list[SelectChoice]:
    """Units in tree order (``order_as_tree`` has set ``depth``), indented by depth so the tree shows."""
    return [SelectChoice(u.id, "\u2003" * getattr(u, "depth", 0) + u.name) for u in units]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class UnitForm(FlaskForm):
    name = StringField(_l("Navn"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Type"),
        choices=[SelectChoice(kind.value, label) for kind, label in UNIT_KIND_LABELS.items()],
        default=UnitKind.UNIT.value,
    )
    parent = SelectField(_l("Ligger under"), coerce=int)
    submit = SubmitField(_l("Lagre"))


class EditUnitForm(FlaskForm):
    name = StringField(_l("Navn"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    parent = SelectField(_l("Ligger under"), coerce=int)
    submit = SubmitField(_l("Lagre"))


JOB_TITLE_CHOICES = [
    SelectChoice("", _l("Ingen valgt")),
    *(SelectChoice(code, label) for code, label in JOB_TITLES.items()),
]
ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


def _phone_in_e164(_form, field) -> None:
    """Store the number as E.164; a bad number gets a message that names it."""
    try:
        field.data = normalise_phone(field.data)
    except BadPhoneNumber:
        raise ValidationError(
            _l(
                "«%(value)s» er ikke et gyldig telefonnummer. Skriv for eksempel +47 912 34 567.",
                value=field.data,
            )
        ) from None


class PersonFields(FlaskForm):
    name = StringField(_l("Navn"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("E-post"),
        filters=[_strip],
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Kan stå tom for den som logger inn med kode på SMS eller engangskode."),
    )
    phone = TelField(_l("Telefon"), filters=[_strip], validators=[Optional(), _phone_in_e164])
    job_title = SelectField(_l("Stilling"), choices=JOB_TITLE_CHOICES)
    start_date = DateField(
        _l("Startdato"),
        validators=[Optional()],
        description=_l("Første arbeidsdag. Står den tom for en ny person, gjelder dagen i dag."),
    )
    ends_on = DateField(
        _l("Kontoen stenges fra"),
        validators=[Optional()],
        description=_l(
            "For vikarer, studenter og innleide: fra denne dagen kan personen ikke logge inn, og "
            "hen teller ikke lenger med blant de ansatte. Historikken blir tatt vare på."
        ),
    )


class NewPersonForm(PersonFields):
    unit = SelectField(_l("Enhet"), coerce=int)
    role = SelectField(_l("Rolle"), choices=ROLE_CHOICES, default="staff")
    password = PasswordField(
        _l("Passord (valgfritt)"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH)],
        description=_l(
            "Minst %(count)s tegn. Uten passord logger personen inn med lenke på e-post.",
            count=MIN_PASSWORD_LENGTH,
        ),
    )
    submit = SubmitField(_l("Opprett person"))


class EditPersonForm(PersonFields):
    active = BooleanField(
        _l("Aktiv"),
        description=_l("En person som ikke er aktiv, kan ikke logge inn og blir logget ut overalt."),
    )
    submit = SubmitField(_l("Lagre"))


class RoleForm(FlaskForm):
    unit = SelectField(_l("Enhet"), coerce=int)
    role = SelectField(_l("Rolle"), choices=ROLE_CHOICES, default="staff")
    submit = SubmitField(_l("Gi rollen"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV-fil"),
        validators=[FileRequired(message=_l("Velg en fil."))],
        render_kw={"accept": ".csv,text/csv"},
        description=_l(
            "Kolonner: navn, e-post, enhet, rolle, og om du vil telefon, stilling og startdato. "
            "Semikolon eller komma mellom feltene. Høyst 2 MB."
        ),
    )
    submit = SubmitField(_l("Importer"))


class ConfirmForm(FlaskForm):
    """Only a CSRF token: the button of ``confirm_button`` that confirms an action."""
