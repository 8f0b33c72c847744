from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import PhoneField, strip, zone_choices
from ..models import CancelledBy
from ..patients.picker import PatientField
from .service import DEFAULT_DURATION, MAX_DURATION, MIN_DURATION


def _provider_field():
    return SelectField("Provider", coerce=int, validators=[InputRequired()])


def _date_field():
    return DateField("Date", validators=[DataRequired()])


def _time_field():
    return TimeField("Time", validators=[DataRequired()],
                     description="On the practice's clock.")


def _duration_field():
    return IntegerField("Length (minutes)", default=DEFAULT_DURATION,
                        validators=[Optional(), NumberRange(MIN_DURATION, MAX_DURATION)],
                        description="Left empty: the appointment type's usual length.")


def _type_field():
    """Choices are set by the view: "No particular type" (0) and the practice's types."""
    return SelectField("Appointment type", coerce=int, default=0, validators=[Optional()])


def _location_field():
    """Choices are set by the view: "No particular site" (0) and the practice's sites."""
    return SelectField("Site", coerce=int, default=0, validators=[Optional()])


def _reason_field():
    return StringField("Reason", filters=[strip], validators=[Length(max=200)])


class AppointmentForm(FlaskForm):
    patient = PatientField()
    provider = _provider_field()
    appointment_type = _type_field()
    location = _location_field()
    date = _date_field()
    time = _time_field()
    duration_minutes = _duration_field()
    reason = _reason_field()
    submit = SubmitField("Book appointment")


class EditAppointmentForm(FlaskForm):
    provider = _provider_field()
    appointment_type = _type_field()
    location = _location_field()
    date = _date_field()
    time = _time_field()
    duration_minutes = _duration_field()
    reason = _reason_field()
    submit = SubmitField("Save appointment")


class MoveForm(FlaskForm):
    provider = _provider_field()
    date = _date_field()
    time = _time_field()
    submit = SubmitField("Move appointment")


class CancelForm(FlaskForm):
    by = RadioField("Who cancelled?", default=CancelledBy.STAFF.value, choices=[
        SelectChoice(CancelledBy.PATIENT.value, "The patient asked to cancel"),
        SelectChoice(CancelledBy.STAFF.value, "The practice cancelled it"),
    ], validators=[InputRequired()])
    submit = SubmitField("Cancel appointment")


class ProviderForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=120)],
                       description="As patients know them, e.g. Dr. Amelia Reyes.")
    submit = SubmitField("Add provider")


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[
        FileRequired("Please choose a CSV file."),
        FileAllowed(["csv", "txt"], "Please choose a .csv file.")])
    consent = BooleanField("New patients in this file have agreed to receive SMS reminders")
    submit = SubmitField("Preview import")


class ConfirmImportForm(FlaskForm):
    csv_text = HiddenField(validators=[DataRequired()])
    consent = HiddenField()
    expected_rows = HiddenField()
    submit = SubmitField("Import")


class DayForm(FlaskForm):
    class Meta:
        csrf = False

    date = DateField("Day", validators=[Optional()])
    provider = SelectField("Provider", coerce=int, validators=[Optional()])


class AppointmentTypeForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=80)],
                       description="As staff know it, e.g. Phone consultation. Texts never "
                                   "name it.")
    default_duration_minutes = IntegerField(
        "Usual length (minutes)", default=DEFAULT_DURATION,
        validators=[InputRequired(), NumberRange(MIN_DURATION, MAX_DURATION)])
    prep_note = StringField("Preparation note", filters=[strip], validators=[Length(max=300)],
                            description="What the patient must do before coming, e.g. Please "
                                        "fast from midnight. Reminders include it where their "
                                        "text has {prep_note}.")
    prep_note_es = StringField("Preparation note in Spanish", filters=[strip],
                               validators=[Length(max=300)],
                               description="Left empty: Spanish readers get the English note.")
    active = BooleanField("Offered when booking", default=True)
    submit = SubmitField("Save appointment type")


class LocationForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired(), Length(max=120)],
                       description="As patients know it, e.g. Riverside North.")
    address = StringField("Address", filters=[strip], validators=[Length(max=300)])
    phone = PhoneField("Phone", validators=[Optional()])
    timezone = SelectField("Time zone", validators=[Optional()],
                           description="Only where it differs from the practice's: "
                                       "reminders are then timed on the site's clock.")
    country = HiddenField()
    active = BooleanField("Takes appointments", default=True)
    submit = SubmitField("Save site")

    def __init__(self, *args, practice_zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [SelectChoice("", f"The practice's ({practice_zone})"),
                                 *zone_choices()]
