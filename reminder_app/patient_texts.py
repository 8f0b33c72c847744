"""How every automatic text addresses a patient: the practice's phone as they dial it, and an
appointment's time as they read it. Shared by the answers to replies (inbound/answers.py) and
the waitlist's offers (waitlist/texts.py), so neither imports the other."""

from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers

from .models import Practice

_MONTHS_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


def phone_for_patients(practice: Practice) -> str:
    """The practice's phone as its patients dial it (national form at home); its two-way
    number if no phone was given."""
    number = practice.phone or getattr(practice.clickatell_account, "long_number", None) or ""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    home = phonenumbers.region_code_for_number(parsed) == practice.country
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL if home
                                      else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def when(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """An appointment's start as the patient reads it, in the practice's time zone."""
    moment = moment.astimezone(zone)
    if language == "es":
        return f"{moment.day} {_MONTHS_ES[moment.month - 1]} a las {moment:%H:%M}"
    hour = moment.hour % 12 or 12
    return f"{moment:%a %b} {moment.day} at {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
