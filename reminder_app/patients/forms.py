from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..forms import strip, zone_choices
from ..models import Language
from ..models.consent import STAFF_METHODS
from .service import MAX_SEARCH_LENGTH


class PatientForm(FlaskForm):
    first_name = StringField("First name", filters=[strip],
                             validators=[DataRequired(), Length(max=80)])
    last_name = StringField("Last name", filters=[strip],
                            validators=[DataRequired(), Length(max=80)])
    mobile = TelField("Mobile number", filters=[strip], validators=[DataRequired(), Length(max=40)],
                      description="As you would dial it; we store it in international form.")
    date_of_birth = DateField("Date of birth", validators=[Optional()])
    language = SelectField("Language for messages",
                           choices=[SelectChoice(language.value, language.label)
                                    for language in Language],
                           default=Language.EN.value)
    timezone = SelectField("Time zone", default="",
                           description="Quiet hours are on the patient's clock. Leave it on "
                                       "the practice's zone unless they live elsewhere.")
    sms_consent = BooleanField("The patient agrees to receive appointment reminders by SMS",
                               description="Nothing is sent without it. A STOP reply clears it.")
    consent_method = SelectField(
        "How the patient agreed (or withdrew)",
        choices=[SelectChoice(method.value, method.label) for method in STAFF_METHODS],
        default=STAFF_METHODS[0].value,
        description="Recorded with the wording below and your name when consent changes.")
    notes = TextAreaField("Notes", filters=[strip], validators=[Length(max=2000)])
    submit = SubmitField("Save patient")

    def __init__(self, *args, practice_zone: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice("", f"The practice's ({practice_zone})")
                                 ] + zone_choices()
        if self.timezone.data is None:  # a patient on the practice's zone
            self.timezone.data = ""


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name, date of birth or mobile", filters=[strip],
                    validators=[Length(max=MAX_SEARCH_LENGTH)])
