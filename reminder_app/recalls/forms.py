from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import strip
from ..patients.picker import PatientField


class RecallForm(FlaskForm):
    """Who is due, for what, from when, and whom they should see. The patient is chosen
    when the recall is made, and fixed after."""

    patient = PatientField()
    reason = StringField("Due for", filters=[strip],
                         validators=[DataRequired("Say what the patient is due for."),
                                     Length(max=80)],
                         description="e.g. 6-month check-up. Staff see it; the texts never "
                                     "say it.")
    due_on = DateField("Due on", validators=[InputRequired("Choose the day it is due.")],
                       description="The first text goes out that day, at 10:00 on the "
                                   "patient's clock.")
    provider = SelectField("Provider", coerce=int, default=0,
                           description="Only a booking with this provider ends the recall "
                                       "(any provider if none is chosen).")
    #: Optional: a practice without types is not shown the select.
    appointment_type = SelectField("Appointment type", coerce=int, default=0,
                                   validators=[Optional()],
                                   description="Only a booking of this type ends the recall "
                                               "(any appointment if none is chosen).")
    submit = SubmitField("Save recall")


class RecallSettingsForm(FlaskForm):
    recall_interval_days = IntegerField(
        "Text again after this many days", default=14,
        validators=[InputRequired(), NumberRange(1, 365, "Between 1 and 365 days.")])
    recall_max_texts = IntegerField(
        "Texts at most per recall", default=3,
        validators=[InputRequired(), NumberRange(1, 10, "Between 1 and 10.")],
        description="The first when it comes due, then one every interval, until the patient "
                    "books or replies.")
    submit = SubmitField("Save recall settings")
