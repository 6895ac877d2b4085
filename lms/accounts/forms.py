from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length

from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.config import LANGUAGE_NAMES


class SignInForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Passord"), validators=[DataRequired()])
    submit = SubmitField(_l("Logg inn"))


class SignInLinkForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send meg en innloggingslenke"))


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token: a button that confirms an action."""


class LanguageForm(FlaskForm):
    language = SelectField(
        _l("Språk"), choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
    )
    submit = SubmitField(_l("Bytt språk"))


class ChangePasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nytt passord"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)],
        description=_l("Minst %(count)s tegn.", count=MIN_PASSWORD_LENGTH),
    )
    repeat = PasswordField(
        _l("Gjenta passordet"),
        validators=[DataRequired(), EqualTo("password", message=_l("Passordene er ulike."))],
    )
    submit = SubmitField(_l("Lagre passordet"))
