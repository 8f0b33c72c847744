"""How many SMS parts a text needs, and in which encoding.

A text made only of GSM 03.38 characters travels as GSM-7: 160 characters in one SMS,
153 per part when it needs several. The extension characters ^ { } \\ [ ~ ] | € (and form
feed) take two of those places (an escape, then the character). Any other character forces
UCS-2 for the whole message: 70 per SMS, 67 per part, counted in UTF-16 code units (an
emoji takes two). An escape pair or a surrogate pair is never split across parts, so the
count is exact, not an estimate.

The template editor and the sender both use `analyse`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "Segments",
    "analyse",
    "split_parts",
    "to_ucs2_hex",
]

#: GSM 03.38 default alphabet (the escape code 0x1B itself is not a character to type).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: The extension table: each of these costs two GSM-7 places.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "GSM-7"
UCS2 = "UCS-2"
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True, slots=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    length_units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int
    per_part_limit: int  # 160/70 for one part, 153/67 when several
    #: How many more units fit in the last part before another part is needed.
    units_left: int
    #: The characters that forced UCS-2, in order of first appearance.
    non_gsm_chars: tuple[str, ...] = ()


def _units(char: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


_GSM7 = GSM7_BASIC | GSM7_EXTENSION


def _encoding(text: str) -> tuple[str, tuple[str, ...]]:
    if _GSM7.issuperset(text):  # the usual case, without a loop in Python
        return GSM7, ()
    foreign = dict.fromkeys(c for c in text if c not in _GSM7)
    return UCS2, tuple(foreign)


def _length(text: str, encoding: str) -> int:
    """Septets (GSM-7: an extension character takes two) or UTF-16 code units (UCS-2)."""
    if encoding == GSM7:
        return len(text) + sum(text.count(char) for char in GSM7_EXTENSION.intersection(text))
    return len(text.encode("utf-16-le")) // 2


def _pack(text: str, encoding: str, limit: int) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        units = _units(char, encoding)
        if used + units > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += units
    parts.append("".join(current))
    return parts


def split_parts(text: str) -> list[str]:
    """The text of each SMS part, as the phone network would carry it."""
    encoding, _ = _encoding(text)
    single, multi = _LIMITS[encoding]
    if _length(text, encoding) <= single:
        return [text]
    return _pack(text, encoding, multi)


def analyse(text: str) -> Segments:
    """Encoding, length and part count of `text` (an empty text still occupies one SMS)."""
    encoding, foreign = _encoding(text)
    single, multi = _LIMITS[encoding]
    units = _length(text, encoding)
    if units <= single:
        return Segments(encoding, units, 1, single, single - units, foreign)
    parts = _pack(text, encoding, multi)
    last = _length(parts[-1], encoding)
    return Segments(encoding, units, len(parts), multi, multi - last, foreign)


def to_ucs2_hex(text: str) -> str:
    """The text as UTF-16BE, in upper-case hex: what sendmsg wants with unicode=1."""
    return text.encode("utf-16-be").hex().upper()
