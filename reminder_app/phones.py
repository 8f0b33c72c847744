"""Phone numbers as people type them, into E.164 as the app stores them, and back."""

import functools

import phonenumbers

#: Numbers that cannot receive a text message.
NOT_A_MOBILE = frozenset({
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
})


class InvalidPhoneNumber(ValueError):
    """A number that cannot be used; the message is for the person who typed it."""


def to_e164(text: str | None, region: str, *, mobile: bool = False) -> str:
    """Parse a number typed in `region` (ISO country, e.g. 'US') or in international form.

    With `mobile=True`, landlines and service numbers are refused: reminders need a phone
    that can receive texts.
    """
    try:
        number = phonenumbers.parse((text or "").strip(), region)
    except phonenumbers.NumberParseException as error:
        kind = "mobile" if mobile else "phone"
        raise InvalidPhoneNumber(f"Please enter a {kind} number, e.g. (201) 555-0123 or "
                                 "+44 7911 123456.") from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber("That is not a valid phone number; please check the digits "
                                 "and the country code.")
    if mobile and phonenumbers.number_type(number) in NOT_A_MOBILE:
        raise InvalidPhoneNumber("That looks like a landline or service number; reminders "
                                 "need a mobile that can receive text messages.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(e164: str | None) -> str:
    """How a stored number reads to a person (international form)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@functools.lru_cache(maxsize=4096)
def as_dialled_from(e164: str, country: str) -> str:
    """How someone in `country` dials the number: national form at home, international
    otherwise (as given if it cannot be read). Remembered: every reminder of a practice
    names its phone, and parsing it is a large part of rendering one."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    home = phonenumbers.region_code_for_number(number) == country
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL if home
                                      else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def region(e164: str | None) -> str | None:
    """The country (ISO code, e.g. 'US') a stored number belongs to; None if it is not a
    valid number. Within +1, the US and Canada are told apart by the area code."""
    try:
        number = phonenumbers.parse(e164 or "", None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.region_code_for_number(number)


def sender_candidates(number: str, country: str) -> list[str]:
    """What a texter's number may be, as E.164, most likely first. Clickatell sends
    international digits; a national number (no country code) is read in `country`.
    Digits that are valid both ways (2015550123: Egypt, or New Jersey) give both; digits
    valid neither way are kept as '+digits' so the text is still stored against something."""
    digits = "".join(ch for ch in number if ch.isdigit())
    found = []
    for text, home in ((f"+{digits}", None), (digits, country)):
        try:
            parsed = phonenumbers.parse(text, home)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in found:
                found.append(e164)
    return found or [f"+{digits}"]
