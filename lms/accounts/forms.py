from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from lms.accounts.services import MIN_PASSWORD_LENGTH
from lms.config import LANGUAGE_NAMES
from lms.organisation.phones import BadPhoneNumber, is_norwegian_mobile, normalise_phone


class SignInForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Passord"), validators=[DataRequired()])
    submit = SubmitField(_l("Logg inn"))


class SignInLinkForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send meg en innloggingslenke"))


class SmsNumberForm(FlaskForm):
    phone = TelField(
        _l("Mobilnummer"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired()],
        description=_l("Norsk mobilnummer, for eksempel 912 34 567."),
    )
    submit = SubmitField(_l("Send meg en kode"))

    def validate_phone(self, field) -> None:
        """Keep the number in E.164; only a Norwegian mobile number can get a code."""
        try:
            number = normalise_phone(field.data)
        except BadPhoneNumber:
            number = None
        if number is None or not is_norwegian_mobile(number):
            raise ValidationError(_l("«%(value)s» er ikke et norsk mobilnummer.", value=field.data))
        field.data = number


class SmsCodeForm(FlaskForm):
    code = StringField(
        _l("Koden fra SMS-en"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(), Length(max=20)],
    )
    submit = SubmitField(_l("Logg inn"))


class PrintedCodeForm(FlaskForm):
    code = StringField(
        _l("Engangskode"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("Koden du har fått av lederen din, for eksempel ABCD-EFGH-JKLM."),
    )
    submit = SubmitField(_l("Logg inn"))


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
