"""How many SMS parts a text takes, and the `unicode=1` hex form of the messaging API."""

from __future__ import annotations

import math

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def gsm7_length(text: str) -> int:
    """Septets: extension characters travel as escape + character, so they count two."""
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def ucs2_length(text: str) -> int:
    """UTF-16 code units: a character outside the BMP takes two."""
    return len(text.encode("utf-16-be")) // 2


def parts_needed(text: str, unicode: bool) -> int:
    """Parts for a message; a text sent without `unicode=1` is counted as GSM-7 (characters the
    alphabet lacks would be replaced in transit, one for one)."""
    if unicode:
        length, single, multi = ucs2_length(text), UCS2_SINGLE, UCS2_MULTI
    else:
        length, single, multi = gsm7_length(text), GSM7_SINGLE, GSM7_MULTI
    if length <= single:
        return 1
    return math.ceil(length / multi)


def decode_unicode_hex(raw: str) -> str:
    """`text` of a `unicode=1` send: UTF-16BE as hexadecimal. Raises ValueError when it is not."""
    cleaned = raw.strip()
    if len(cleaned) % 4:
        raise ValueError("UTF-16BE hex must be a multiple of four digits")
    return bytes.fromhex(cleaned).decode("utf-16-be")
