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

from ..forms import strip
from ..models import Language
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
    sms_consent = BooleanField("The patient agrees to receive appointment reminders by SMS",
                               description="Nothing is sent without it. A STOP reply clears it.")
    notes = TextAreaField("Notes", filters=[strip], validators=[Length(max=2000)])
    submit = SubmitField("Save patient")


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name, date of birth or mobile", filters=[strip],
                    validators=[Length(max=MAX_SEARCH_LENGTH)])
