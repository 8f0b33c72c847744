"""The sign-up form and the small forms of the onboarding checklist."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from ..forms import PhoneField, strip, zone_choices

#: Countries a practice can be in; the phone-number region, and the default time zone.
PRACTICE_COUNTRIES = {
    "US": ("United States", "America/New_York"),
    "CA": ("Canada", "America/Toronto"),
    "GB": ("United Kingdom", "Europe/London"),
    "IE": ("Ireland", "Europe/Dublin"),
    "ZA": ("South Africa", "Africa/Johannesburg"),
    "IN": ("India", "Asia/Kolkata"),
    "AU": ("Australia", "Australia/Sydney"),
    "NZ": ("New Zealand", "Pacific/Auckland"),
    "MX": ("Mexico", "America/Mexico_City"),
    "ES": ("Spain", "Europe/Madrid"),
}

#: Letters and digits only, 8–32 long, with both: satisfies Clickatell's own rule
#: (6–32 letters and digits), since the owner's password is used for both accounts.
PASSWORD_RULE = re.compile(r"(?=.*[A-Za-z])(?=.*\d)[A-Za-z\d]{8,32}\Z")
PASSWORD_HELP = "8 to 32 letters and digits, with at least one of each (no spaces or symbols)."
USERNAME_RULE = r"\A[A-Za-z0-9]{3,128}\Z"


def new_password(label: str = "Password") -> PasswordField:
    """The owner's password, used for Clickatell too where the app opens the account."""
    return PasswordField(label, description=PASSWORD_HELP, validators=[
        DataRequired(), Regexp(PASSWORD_RULE, message=PASSWORD_HELP)])


class NewPracticeForm(FlaskForm):
    """A new practice and its owner: what every way of signing up asks. Subclasses add the
    owner's `mobile` (what it is for differs) and the Clickatell side."""

    practice_name = StringField("Practice name", filters=[strip],
                                validators=[DataRequired(), Length(max=120)])
    address = StringField("Address", filters=[strip], validators=[DataRequired(), Length(max=300)])
    country = SelectField("Country", default="US", choices=[
        SelectChoice(code, name) for code, (name, _) in PRACTICE_COUNTRIES.items()])
    timezone = SelectField("Time zone", default="America/New_York")
    phone = PhoneField("Practice phone", validators=[DataRequired()])

    first_name = StringField("Your first name", filters=[strip],
                             validators=[DataRequired(), Length(max=80)])
    surname = StringField("Your surname", filters=[strip],
                          validators=[DataRequired(), Length(max=80)])
    email = EmailField("Your e-mail", filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=64)])
    password = new_password()
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired(), EqualTo("password", "The passwords differ.")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices()


class SignUpForm(NewPracticeForm):
    """Sign-up that also opens the practice's Clickatell account (legacy Central)."""

    mobile = PhoneField("Your mobile number",
                        description="Clickatell texts a code to this number to verify it.",
                        validators=[DataRequired()])
    username = StringField(
        "Username", filters=[strip],
        description="For your Clickatell account: letters and digits only.",
        validators=[DataRequired(), Regexp(USERNAME_RULE, message="Use 3 to 128 letters and "
                                           "digits, with no spaces or symbols.")])

    clickatell_country = SelectField("Country for Clickatell", coerce=int,
                                     validators=[InputRequired()])
    account_type = SelectField("Clickatell account type", coerce=int,
                               validators=[InputRequired()])
    accept_terms = BooleanField("I accept Clickatell's terms and conditions",
                                validators=[DataRequired("Clickatell needs you to accept its "
                                                         "terms to open an account.")])
    force_create = BooleanField("Create a new Clickatell account anyway")
    captcha_id = HiddenField()
    captcha_code = StringField("Type the characters in the picture", filters=[strip],
                               validators=[DataRequired(), Length(max=12)])
    submit = SubmitField("Create my practice account")


class ResendActivationForm(FlaskForm):
    email = EmailField("Send it to this address instead (optional)", filters=[strip],
                       validators=[Optional(), Email(), Length(max=64)])
    submit = SubmitField("Resend the activation e-mail")


class SendSmsCodeForm(FlaskForm):
    country = HiddenField(default="US")
    mobile = PhoneField("Send it to this mobile instead (optional)")
    submit = SubmitField("Text me a code")


class SmsCodeForm(FlaskForm):
    code = StringField("Code from the text message", filters=[strip],
                       validators=[DataRequired(), Length(max=11)])
    submit = SubmitField("Verify my mobile")


class LowBalanceForm(FlaskForm):
    threshold = DecimalField("Warn me when credit falls below", places=0,
                             validators=[InputRequired(), NumberRange(min=0, max=1_000_000)])
    submit = SubmitField("Save")


class NumberForm(FlaskForm):
    """Keeping the two-way number Clickatell sent the owner back with."""

    number = HiddenField(validators=[DataRequired(), Length(max=20)])
    state = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField("Use this number")
