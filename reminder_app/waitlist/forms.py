from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import strip
from ..models import Priority
from ..models.waitlist import WEEKDAYS
from ..patients.picker import PatientField


class EntryForm(FlaskForm):
    """Who waits, for which providers, and when they can come. The patient is chosen when
    the entry is made, and fixed after."""

    patient = PatientField()
    providers = SelectMultipleField(
        "Providers", coerce=int, validators=[DataRequired("Choose at least one provider.")],
        description="Any of them will do.")
    weekdays = SelectMultipleField(
        "Days they can come", coerce=int,
        choices=[SelectChoice(day, name) for day, name in enumerate(WEEKDAYS)],
        default=[0, 1, 2, 3, 4], validators=[DataRequired("Choose at least one day.")])
    earliest_time = TimeField("Earliest start", validators=[InputRequired()])
    latest_time = TimeField("Latest end", validators=[InputRequired()])
    available_from = DateField("Available from", validators=[Optional()],
                               description="Leave empty if they can come from today.")
    notice_hours = IntegerField(
        "Notice they need (hours)", default=2,
        validators=[InputRequired(), NumberRange(0, 14 * 24, "Between 0 and 336 hours.")])
    priority = SelectField("Priority", coerce=int, default=int(Priority.NORMAL),
                           choices=[SelectChoice(int(p), p.label) for p in Priority],
                           description="Higher priority is offered first; then who has waited "
                                       "longest.")
    note = TextAreaField("Note for staff", filters=[strip], validators=[Length(max=500)])
    submit = SubmitField("Save")


class OfferSettingsForm(FlaskForm):
    offer_slots = BooleanField("Offer cancelled slots to the waitlist by SMS")
    offer_notice_minutes = IntegerField(
        "Only slots starting at least this many minutes ahead", default=120,
        validators=[InputRequired(), NumberRange(30, 7 * 24 * 60,
                                                 "Between 30 minutes and 7 days.")])
    offer_wave_size = IntegerField(
        "Patients offered a slot at a time", default=3,
        validators=[InputRequired(), NumberRange(1, 20, "Between 1 and 20.")])
    offer_hold_minutes = IntegerField(
        "Minutes each wave has to answer", default=15,
        validators=[InputRequired(), NumberRange(5, 240, "Between 5 and 240 minutes.")],
        description="Then the next patients on the list are offered it.")
    submit = SubmitField("Save offer settings")
