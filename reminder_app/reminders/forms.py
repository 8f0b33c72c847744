from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from ..models.reminders import WhenConfirmed
from . import templates
from .rules import MAX_MINUTES_BEFORE


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _template(form, field) -> None:
    try:
        templates.check(field.data or "")
    except templates.TemplateError as error:
        raise ValidationError(str(error)) from error


class RuleForm(FlaskForm):
    hours_before = IntegerField(
        "Hours before the appointment",
        validators=[InputRequired(), NumberRange(1, MAX_MINUTES_BEFORE // 60,
                                                 "Choose from 1 to 336 hours (14 days).")])
    enabled = BooleanField("Send this reminder")
    #: Choices set by the view: 0 is "any" (the rule is for all appointments).
    appointment_type = SelectField("Only for appointments of the type", coerce=int, default=0,
                                   validators=[Optional()])
    provider = SelectField("Only for appointments with", coerce=int, default=0,
                           validators=[Optional()],
                           description="A rule for a type or a provider takes the place of "
                                       "the rule for all appointments with the same lead time: "
                                       "its own text, or (switched off) no reminder.")
    when_confirmed = SelectField(
        "Once the patient confirmed",
        choices=[SelectChoice(choice.value, choice.label) for choice in WhenConfirmed],
        default=WhenConfirmed.SEND.value)
    body_en = TextAreaField("Text in English", filters=[_strip],
                            validators=[DataRequired(), _template],
                            render_kw={"rows": 4, "data-language": "en"})
    body_es = TextAreaField("Text in Spanish", filters=[_strip],
                            validators=[DataRequired(), _template],
                            render_kw={"rows": 4, "data-language": "es"})
    submit = SubmitField("Save rule")


class TextingForm(FlaskForm):
    """What reminders say and how many a patient gets."""

    name_provider = BooleanField("Name the provider in reminders")
    reminders_per_day = IntegerField(
        "At most this many reminders to a patient a day",
        validators=[InputRequired(), NumberRange(1, 10, "Choose from 1 to 10.")])
    reminders_per_week = IntegerField(
        "and a week", validators=[InputRequired(), NumberRange(1, 30, "Choose from 1 to 30.")])
    submit = SubmitField("Save")

    def validate_reminders_per_week(self, field) -> None:
        if (field.data is not None and self.reminders_per_day.data is not None
                and field.data < self.reminders_per_day.data):
            raise ValidationError("A week cannot allow fewer reminders than a day.")


class QuietHoursForm(FlaskForm):
    quiet_start = TimeField("No reminders from", validators=[DataRequired()])
    quiet_end = TimeField("until", validators=[DataRequired()])
    submit = SubmitField("Save quiet hours")


class JourneyRuleForm(FlaskForm):
    """A notice's rule: on or off, its one number (the booked notice's least lead time, the
    no-show follow-up's delay; none for the others) and its text per language."""

    enabled = BooleanField("Send this text")
    hours = IntegerField("Hours", validators=[InputRequired(), NumberRange(0, 72)])
    body_en = TextAreaField("Text in English", filters=[_strip],
                            validators=[DataRequired(), _template],
                            render_kw={"rows": 4, "data-language": "en"})
    body_es = TextAreaField("Text in Spanish", filters=[_strip],
                            validators=[DataRequired(), _template],
                            render_kw={"rows": 4, "data-language": "es"})
    submit = SubmitField("Save")
