"""What Clickatell sends us: delivery reports and inbound messages (MO).

Both arrive as GET query parameters or a POSTed form; pass the parameters as a mapping
(e.g. `request.values`). A missing or invalid field raises `CallbackError` naming it, and
the webhook answers 400. These functions only read: they do not authenticate the caller
(the webhook does that, with the secret in its URL).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote_to_bytes

from . import codes
from .errors import CallbackError

__all__ = [
    "MAX_INBOUND_TEXT",
    "MO_TIMEZONE",
    "CallbackError",
    "DeliveryReport",
    "InboundMessage",
    "parse_delivery_report",
    "parse_inbound",
]

#: The MO `timestamp` is local time in GMT+2 (Clickatell's servers), without a zone.
MO_TIMEZONE = timezone(timedelta(hours=2))
#: Longest inbound text we accept, in characters (about 25 concatenated parts).
MAX_INBOUND_TEXT = 4000
_MAX_RAW_BYTES = 64 * 1024

_ID = re.compile(r"[A-Za-z0-9]{1,64}\Z")
#: A phone number: E.164 has at most 15 digits (and the columns hold no more).
_DIGITS = re.compile(r"\+?[0-9]{3,15}\Z")
#: Years a callback's timestamp may name: anything else is not a real callback (and the
#: year 1 in GMT+2 is before the first instant a datetime can hold in UTC).
_PLAUSIBLE_YEARS = range(2000, 2100)
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*\Z")
_LATIN1 = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "windows-1252",
                     "cp1252"})
_UTF16 = frozenset({"utf-16be", "utf-16", "ucs-2", "ucs2", "utf16be"})


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    api_id: str
    api_message_id: str
    client_message_id: str | None
    to: str | None  # E.164
    sender: str | None  # E.164 (or the alphanumeric sender as sent)
    timestamp: datetime  # aware, UTC
    status: str  # three digits; see codes.status_info
    charge: Decimal | None

    @property
    def status_info(self) -> codes.StatusInfo:
        return codes.status_info(self.status)


@dataclass(frozen=True, slots=True)
class InboundMessage:
    api_id: str
    mo_message_id: str
    sender: str  # the patient, E.164
    to: str  # the practice's number, E.164
    received_at: datetime  # aware, UTC
    text: str
    charset: str
    udh: str
    network: str | None


class _Params:
    """Case-insensitive access to the first value of each parameter."""

    def __init__(self, params: Mapping[str, str]) -> None:
        self._values: dict[str, str] = {}
        for key in params:
            value = params[key]
            if isinstance(value, list | tuple):
                value = value[0] if value else ""
            self._values.setdefault(str(key).lower(), str(value))

    def optional(self, name: str) -> str | None:
        value = self._values.get(name.lower(), "").strip()
        return value or None

    def required(self, name: str) -> str:
        value = self.optional(name)
        if value is None:
            raise CallbackError(name)
        return value

    def raw(self, name: str) -> str | None:
        return self._values.get(name.lower())


def _matching(params: _Params, name: str, pattern: re.Pattern[str], *, required: bool
              ) -> str | None:
    value = params.required(name) if required else params.optional(name)
    if value is not None and not pattern.match(value):
        raise CallbackError(name, "invalid")
    return value


def _e164(value: str | None) -> str | None:
    return None if value is None else "+" + value.removeprefix("+")


def parse_delivery_report(params: Mapping[str, str]) -> DeliveryReport:
    """A delivery report (api_id, apiMsgId, cliMsgId, to, from, timestamp, status, charge)."""
    p = _Params(params)
    api_id = _matching(p, "api_id", re.compile(r"[0-9]{1,20}\Z"), required=True)
    api_message_id = _matching(p, "apiMsgId", _ID, required=True)
    client_message_id = _matching(p, "cliMsgId", _ID, required=False)
    to = _matching(p, "to", _DIGITS, required=False)
    sender = p.optional("from")
    if sender is not None and not (_DIGITS.match(sender) or re.fullmatch(r"[\w ]{1,11}",
                                                                         sender)):
        raise CallbackError("from", "invalid")

    stamp = p.required("timestamp")
    try:
        timestamp = datetime.fromtimestamp(int(stamp), UTC)
    except (ValueError, OverflowError, OSError):
        raise CallbackError("timestamp", "invalid") from None
    if timestamp.year not in _PLAUSIBLE_YEARS:
        raise CallbackError("timestamp", "invalid")

    try:
        status = codes.normalise_code(p.required("status"))
    except ValueError:
        raise CallbackError("status", "invalid") from None

    charge_text = p.optional("charge")
    charge = None
    if charge_text is not None:
        try:
            charge = Decimal(charge_text)
        except InvalidOperation:
            raise CallbackError("charge", "invalid") from None
        if not charge.is_finite() or charge < 0:
            raise CallbackError("charge", "invalid")

    return DeliveryReport(
        api_id=api_id,
        api_message_id=api_message_id,
        client_message_id=client_message_id,
        to=_e164(to),
        sender=_e164(sender) if sender and _DIGITS.match(sender) else sender,
        timestamp=timestamp,
        status=status,
        charge=charge,
    )


def _raw_text(raw_body: bytes | str | None) -> bytes | None:
    """The exact bytes of the `text` parameter in a form body or query string."""
    if raw_body is None:
        return None
    if isinstance(raw_body, str):
        raw_body = raw_body.encode("latin-1", "replace")
    if len(raw_body) > _MAX_RAW_BYTES:
        raise CallbackError("text", "too long")
    for pair in raw_body.split(b"&"):
        name, _, value = pair.partition(b"=")
        if unquote_to_bytes(name.replace(b"+", b" ")).lower() == b"text":
            return unquote_to_bytes(value.replace(b"+", b" "))
    return None


def _decode_text(params: _Params, charset: str, raw_body: bytes | str | None) -> str:
    raw = _raw_text(raw_body)
    if raw is None:
        given = params.raw("text")
        if given is None:
            raise CallbackError("text")
        try:
            # A framework that decoded the form as Latin-1 kept one character per byte.
            raw = given.encode("latin-1")
        except UnicodeEncodeError:
            if charset.lower() in _UTF16:
                raise CallbackError("text", "cannot recover the UTF-16BE bytes") from None
            return given  # the framework already decoded it into real characters
    if len(raw) > 4 * MAX_INBOUND_TEXT:
        raise CallbackError("text", "too long")
    name = charset.lower()
    try:
        if name in _UTF16:
            text = raw.decode("utf-16-be")
        elif name in _LATIN1:
            text = raw.decode("latin-1")
        else:
            text = raw.decode(name)
    except (ValueError, LookupError):  # undecodable, unknown, or no codec name at all
        raise CallbackError("text", f"not valid {charset}") from None
    return text


def parse_inbound(params: Mapping[str, str], raw_body: bytes | str | None = None
                  ) -> InboundMessage:
    """An inbound message (MO).

    Pass `raw_body` (the POST body, or the query string for GET) whenever you have it: the
    text arrives percent-encoded in the declared charset (ISO-8859-1, or UTF-16BE for
    Unicode), and only the raw bytes let us decode it exactly. Without it, `text` is taken
    from `params`, which is exact if the framework decoded the form as Latin-1.
    """
    p = _Params(params)
    api_id = _matching(p, "api_id", re.compile(r"[0-9]{1,20}\Z"), required=True)
    mo_message_id = _matching(p, "moMsgId", _ID, required=True)
    sender = _matching(p, "from", _DIGITS, required=True)
    to = _matching(p, "to", _DIGITS, required=True)

    stamp = p.required("timestamp")
    try:
        local = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise CallbackError("timestamp", "invalid") from None
    if local.year not in _PLAUSIBLE_YEARS:
        raise CallbackError("timestamp", "invalid")
    received_at = local.replace(tzinfo=MO_TIMEZONE).astimezone(UTC)

    charset = p.optional("charset") or "ISO-8859-1"
    # A NUL carries nothing a person wrote, and no text column can hold one (PostgreSQL
    # refuses it): dropped, rather than refusing the patient's whole message.
    text = _decode_text(p, charset, raw_body).replace("\x00", "")
    if len(text) > MAX_INBOUND_TEXT:
        raise CallbackError("text", "too long")

    udh = p.optional("udh") or ""
    if not _HEX.match(udh) or len(udh) > 280:
        raise CallbackError("udh", "invalid")
    network = p.optional("network")

    return InboundMessage(
        api_id=api_id,
        mo_message_id=mo_message_id,
        sender=_e164(sender),
        to=_e164(to),
        received_at=received_at,
        text=text,
        charset=charset,
        udh=udh,
        network=network.replace("\x00", "")[:64] if network else None,
    )
