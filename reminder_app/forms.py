"""Form pieces every area uses: the `strip` filter, the button-only `ConfirmForm`, the phone
field and the choice lists. Here, at the root, so that a form of one area never imports
another area's forms."""

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SubmitField, TelField
from wtforms.validators import ValidationError

from .phones import InvalidPhoneNumber, to_e164


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""

    submit = SubmitField("Confirm")


class PhoneField(TelField):
    """A phone number, checked and turned into E.164 against the form's country."""

    def __init__(self, label=None, region_field: str = "country", **kwargs):
        super().__init__(label, filters=[strip], **kwargs)
        self.region_field = region_field
        self.e164: str | None = None

    def pre_validate(self, form):
        self.e164 = None
        if not self.data:
            return
        try:
            self.e164 = to_e164(self.data, form[self.region_field].data or "US")
        except InvalidPhoneNumber as error:
            raise ValidationError(str(error)) from error


def zone_choices() -> list[SelectChoice]:
    return [SelectChoice(zone, zone.replace("_", " ")) for zone in sorted(available_timezones())
            if "/" in zone and not zone.startswith(("Etc/", "SystemV/"))]


def patient_choices(patients) -> list[SelectChoice]:
    return [SelectChoice(str(patient.id), f"{patient.sorting_name} ({patient.mobile})")
            for patient in patients]


def provider_choices(providers) -> list[SelectChoice]:
    return [SelectChoice(str(provider.id), provider.name) for provider in providers]
