"""Phone numbers at the boundary: the app holds E.164 ('+15551234567'), Clickatell wants
international digits with no '+' and no leading '00' ('15551234567')."""

from __future__ import annotations

import re

_MSISDN = re.compile(r"[1-9][0-9]{5,14}\Z")


def without_formatting(number: str) -> str:
    """'+1 (555) 123-4567' → '15551234567': the '+' and the punctuation people type go;
    anything else is left for Clickatell to judge (and answer 417 with its own words)."""
    return re.sub(r"[\s().-]", "", str(number)).removeprefix("+")


def to_msisdn(number: str, *, name: str = "number") -> str:
    """'+1 555 123 4567' or '15551234567' → '15551234567'; anything else is a ValueError."""
    digits = without_formatting(number)
    if not digits.isascii() or not _MSISDN.match(digits):
        raise ValueError(f"{name} is not an international phone number: {number!r}")
    return digits
