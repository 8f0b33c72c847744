from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import URL, DataRequired, Email, EqualTo, Length, Regexp

from ..forms import PhoneField, strip, zone_choices
from ..models import Role


class AddStaffForm(FlaskForm):
    name = StringField("Full name", filters=[strip], validators=[DataRequired(), Length(max=120)])
    email = EmailField("E-mail", filters=[strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField("Role", choices=[SelectChoice(Role.STAFF.value, "Staff"),
                                         SelectChoice(Role.READ_ONLY.value, "Read-only"),
                                         SelectChoice(Role.OWNER.value, "Owner")],
                       default=Role.STAFF.value)
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", "The passwords differ.")],
    )
    submit = SubmitField("Add staff member")


class ApiTokenForm(FlaskForm):
    name = StringField("What will use this token?", filters=[strip],
                       validators=[DataRequired(), Length(max=80)],
                       description="For example, the name of your practice-management system.")
    submit = SubmitField("Create API token")


class PracticeForm(FlaskForm):
    name = StringField("Practice name", filters=[strip],
                       validators=[DataRequired(), Length(max=120)])
    address = StringField("Address", filters=[strip], validators=[DataRequired(), Length(max=300)])
    phone = PhoneField("Practice phone", validators=[DataRequired()])
    timezone = SelectField("Time zone")
    country = HiddenField()
    submit = SubmitField("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices()


class TwoFactorPolicyForm(FlaskForm):
    require = BooleanField("Require two-factor sign-in for everyone at this practice")
    submit = SubmitField("Save")


class RegistrationForm(FlaskForm):
    """The brand details a 10DLC registration needs that the app does not keep."""

    legal_name = StringField("Legal name", filters=[strip],
                             validators=[DataRequired(), Length(max=200)])
    ein = StringField("EIN (tax id)", filters=[strip],
                      validators=[DataRequired(), Regexp(r"^\d{2}-?\d{7}$",
                                                         message="Nine digits, e.g. 12-3456789.")])
    address = StringField("Address", filters=[strip], validators=[DataRequired(), Length(max=300)])
    website = StringField("Website", filters=[strip],
                          validators=[DataRequired(), URL(message="A web address, e.g. "
                                                                  "https://riverside.example")])
    privacy_url = StringField("Privacy policy (address)", filters=[strip],
                              validators=[DataRequired(), URL(message="A web address.")])
    submit = SubmitField("Download the registration document")
