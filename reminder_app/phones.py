"""Phone numbers as people type them, into E.164 as the app stores them."""

import phonenumbers


class InvalidPhoneNumber(ValueError):
    pass


def to_e164(text: str, region: str) -> str:
    """Parse a number typed in `region` (ISO country, e.g. 'US') or in international form."""
    try:
        number = phonenumbers.parse(text or "", region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber("That is not a phone number.") from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber("That phone number is not valid for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str | None) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
