import secrets

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SubmitField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp

from .service import MAX_MINUTES, MIN_MINUTES, Wording

#: Every provider of the day (the provider field's value when none is chosen).
EVERYONE = 0


def new_key() -> str:
    """The broadcast's own key, made when the form opens: resending it sends nothing more."""
    return secrets.token_urlsafe(16)


class BroadcastForm(FlaskForm):
    """Whose patients, what to say. The key travels with the form to the preview and the
    send, so the same broadcast is recognised however often it is submitted."""

    provider = SelectField("Whose patients", coerce=int, default=EVERYONE)
    wording = RadioField("What to say", choices=[SelectChoice(w.value, w.label) for w in Wording],
                         default=Wording.MINUTES.value,
                         validators=[DataRequired("Choose what to say.")])
    minutes = IntegerField(
        "How late (minutes)", default=30,
        validators=[Optional(), NumberRange(MIN_MINUTES, MAX_MINUTES,
                                            f"From {MIN_MINUTES} to {MAX_MINUTES} minutes.")])
    name_provider = BooleanField(
        "Name the provider in the text",
        description="Off by default: a lock screen or a shared phone shows the text to others.")
    key = HiddenField(validators=[DataRequired("Open the form again."),
                                  Regexp(r"^[A-Za-z0-9_-]{16,43}$",
                                         message="Open the form again.")])
    submit = SubmitField("Preview")


class SendForm(BroadcastForm):
    """The preview's button: the broadcast as previewed, and who it was going to."""

    expected = HiddenField()
    submit = SubmitField("Send")
