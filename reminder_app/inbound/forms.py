from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import strip
from ..models import Intent
from ..patients.picker import PatientField
from .understanding import MAX_WORD_LENGTH

#: What a practice's own word may mean (free text is what any other word already is).
KEYWORD_INTENTS = [Intent.CONFIRM, Intent.CANCEL_APPOINTMENT, Intent.RESCHEDULE, Intent.HELP,
                   Intent.OPT_OUT, Intent.OPT_IN]


class StaffReplyForm(FlaskForm):
    body = TextAreaField("Answer", filters=[strip],
                         validators=[DataRequired("Type the answer first."), Length(max=1000)],
                         render_kw={"rows": 3, "data-sms-counter": "#sms-count"})
    submit = SubmitField("Send answer")


class AttachForm(FlaskForm):
    patient = PatientField()
    submit = SubmitField("Attach")


class KeywordForm(FlaskForm):
    word = StringField("Word", filters=[strip],
                       validators=[DataRequired(), Length(max=MAX_WORD_LENGTH * 2)],
                       description="Case, accents, spaces and punctuation do not matter.")
    intent = SelectField("Means", choices=[SelectChoice(intent.value, intent.label)
                                            for intent in KEYWORD_INTENTS],
                         default=Intent.CONFIRM.value)
    submit = SubmitField("Add word")
