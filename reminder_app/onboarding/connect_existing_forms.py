"""Forms of "I already have a Clickatell account": a Platform SMS setup's API key and its
two-way number, at sign-up or in the settings, and the test text."""

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Regexp

from ..forms import PhoneField, strip
from .forms import NewPracticeForm, new_password

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


class ExistingAccountSignUpForm(NewPracticeForm):
    """A new practice and its owner, with the Platform account it already has."""

    mobile = PhoneField("Your mobile number", description="Where the test text goes.",
                        validators=[DataRequired()])
    password = new_password("Password for this app")

    api_key = _api_key()
    number = PhoneField("Two-way number", description=NUMBER_HELP, validators=[DataRequired()])
    submit = SubmitField("Check the key and create my practice account")
