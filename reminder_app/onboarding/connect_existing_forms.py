"""Forms of "I already have a Clickatell account": a Platform SMS setup's API key and its
two-way number, at sign-up or in the settings, and the test text."""

import re

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

from ..forms import PhoneField, strip, zone_choices
from .forms import PASSWORD_HELP, PASSWORD_RULE, PRACTICE_COUNTRIES

#: An API key as pasted: printable, no spaces inside (Clickatell's are 24 characters of
#: URL-safe base64, but nothing promises it: fact sheet §2).
API_KEY_RULE = re.compile(r"\A[!-~]{8,128}\Z")
API_KEY_HELP = ("In the Clickatell portal: My Workspace, your two-way SMS setup (One API), "
                "API key.")
NUMBER_HELP = "The two-way number linked to that SMS setup, which patients text back."


def _api_key() -> PasswordField:
    """Shown as dots and never sent back to the browser (a PasswordField is not re-filled)."""
    return PasswordField("One API key", filters=[strip], description=API_KEY_HELP, validators=[
        DataRequired(), Regexp(API_KEY_RULE, message="That does not look like an API key: "
                               "copy it again from the portal.")],
        render_kw={"autocomplete": "off", "spellcheck": "false"})


class PlatformKeyForm(FlaskForm):
    """Connect a Platform setup to the signed-in practice, or replace its key."""

    country = HiddenField(default="US")
    api_key = _api_key()
    number = PhoneField("Two-way number", description=NUMBER_HELP, validators=[DataRequired()])
    mobile = PhoneField("Your mobile number", description="Where the test text goes.",
                        validators=[DataRequired()])
    submit = SubmitField("Check and connect")


class TestTextForm(FlaskForm):
    country = HiddenField(default="US")
    mobile = PhoneField("Send it to", validators=[DataRequired()])
    submit = SubmitField("Send a test text")


class ExistingAccountSignUpForm(FlaskForm):
    """A new practice and its owner, with the Platform account it already has."""

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
    mobile = PhoneField("Your mobile number", description="Where the test text goes.",
                        validators=[DataRequired()])
    password = PasswordField("Password for this app", description=PASSWORD_HELP, validators=[
        DataRequired(), Regexp(PASSWORD_RULE, message=PASSWORD_HELP)])
    confirm = PasswordField("Repeat the password", validators=[
        DataRequired(), EqualTo("password", "The passwords differ.")])

    api_key = _api_key()
    number = PhoneField("Two-way number", description=NUMBER_HELP, validators=[DataRequired()])
    submit = SubmitField("Check the key and create my practice account")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices()
