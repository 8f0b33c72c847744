"""Clickatell's messaging API (HTTP): send texts, ask about them, read the balance.

Calls go to `<base_url>/http/<command>` as form POSTs and carry a `session_id` from `auth`.
Sessions are cached per (base_url, api_id, user) in a thread-safe store shared by every
client in the process; when Clickatell says the session expired (ERR 003) or is missing
(ERR 005), the client signs in again and repeats the call once: safe, because Clickatell
refused the first attempt without acting on it.

`sendmsg` is never repeated after a timeout: the text may have gone out. The caller gets
`GatewayUnavailable(maybe_processed=True)` and should `query(client_message_id=…)` before
sending again. `querymsg`, `getmsgcharge`, `getbalance`, `auth` and `ping` are repeated.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import requests

from . import codes
from ._numbers import to_msisdn
from .errors import ClickatellError, ProtocolError
from .segments import UCS2, analyse, to_ucs2_hex
from .transport import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, Transport

__all__ = [
    "DEFAULT_SESSION_STORE",
    "MAX_RECIPIENTS",
    "MessageCharge",
    "MessageStatus",
    "MessagingClient",
    "SendOutcome",
    "SendResult",
    "SessionStore",
]

#: Recipients per sendmsg call (Clickatell's limit for a POSTed multi-`to` call).
MAX_RECIPIENTS = 100
_MAX_DELIVERY_DELAY_MINUTES = 10080
_CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9]{1,32}\Z")
_ALPHA_SENDER = re.compile(r"[A-Za-z0-9 ]{1,11}\Z")
_ERR = re.compile(
    r"ERR:\s*(?P<code>\d{1,3})\s*(?:,\s*(?P<desc>.*?))?\s*(?:\bTo:\s*(?P<to>\+?\d+))?\s*\Z",
    re.IGNORECASE,
)
_PAIR = re.compile(r"([A-Za-z]+):\s*(\S*)")


# ------------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class SendResult:
    api_message_id: str
    parts: int
    encoding: str  # "GSM-7" or "UCS-2"


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """One recipient of `send_many`: either a result or the error for that number."""

    to: str  # as the caller gave it
    result: SendResult | None = None
    error: ClickatellError | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None


@dataclass(frozen=True, slots=True)
class MessageStatus:
    api_message_id: str
    code: str
    meaning: str
    final: bool
    state: str  # one of codes.STATES

    @classmethod
    def from_code(cls, api_message_id: str, code: str) -> MessageStatus:
        info = codes.status_info(code)
        return cls(api_message_id, info.code, info.meaning, info.final, info.state)


@dataclass(frozen=True, slots=True)
class MessageCharge:
    api_message_id: str
    charge: Decimal
    status: MessageStatus


# ------------------------------------------------------------------------ sessions


class SessionStore:
    """Session ids by (base_url, api_id, user), shared across threads and clients."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[tuple[str, str, str], str] = {}
        self._key_locks: dict[tuple[str, str, str], threading.Lock] = {}

    def get(self, key: tuple[str, str, str]) -> str | None:
        with self._lock:
            return self._sessions.get(key)

    def put(self, key: tuple[str, str, str], session_id: str) -> None:
        with self._lock:
            self._sessions[key] = session_id

    def discard(self, key: tuple[str, str, str], session_id: str) -> None:
        """Forget `session_id`, unless another thread already replaced it."""
        with self._lock:
            if self._sessions.get(key) == session_id:
                del self._sessions[key]

    def clear(self) -> None:
        with self._lock:
            self._sessions.clear()

    def signing_in(self, key: tuple[str, str, str]) -> threading.Lock:
        """A lock per key, so that one thread signs in while the others wait for it."""
        with self._lock:
            return self._key_locks.setdefault(key, threading.Lock())


DEFAULT_SESSION_STORE = SessionStore()


# ------------------------------------------------------------------------ answers


def _fields(line: str) -> dict[str, str]:
    return {key.lower(): value for key, value in _PAIR.findall(line)}


def _error_from(command: str, match: re.Match[str]) -> ClickatellError:
    code = match["code"].zfill(3)
    return ClickatellError(
        codes.messaging_error_meaning(code),
        action=command,
        code=code,
        description=(match["desc"] or "").strip(),
        retryable=not codes.messaging_error_is_permanent(code),
        remedy=codes.messaging_error_remedy(code),
    )


def _lines(body: bytes) -> list[str]:
    return [line.strip() for line in body.decode("utf-8", "replace").splitlines()
            if line.strip()]


def _single(command: str, lines: list[str]) -> str:
    """The one answer line of a single-answer command; an ERR line is raised."""
    if not lines:
        raise ProtocolError("empty answer", action=command)
    match = _ERR.match(lines[0])
    if match:
        raise _error_from(command, match)
    return lines[0]


def _session_error(lines: list[str]) -> bool:
    for line in lines:
        match = _ERR.match(line)
        if match and match["code"].zfill(3) in codes.SESSION_ERRORS and not match["to"]:
            return True
    return False


def _message_id(command: str, fields: Mapping[str, str]) -> str:
    value = fields.get("id") or fields.get("apimsgid")
    if not value or not value.isalnum():
        raise ProtocolError("answer has no message id", action=command)
    return value


def _decimal(value: str | None, name: str, command: str) -> Decimal:
    try:
        amount = Decimal(value or "")
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ProtocolError(f"answer has no {name}", action=command)
    return amount


def _status_code(command: str, fields: Mapping[str, str]) -> str:
    try:
        return codes.normalise_code(fields.get("status", ""))
    except ValueError:
        raise ProtocolError("answer has no status code", action=command) from None


# ------------------------------------------------------------------------ the client


class MessagingClient:
    """One Clickatell HTTP API connection (api_id) of one account."""

    def __init__(
        self,
        base_url: str,
        *,
        api_id: str,
        user: str,
        password: str,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        session_store: SessionStore | None = None,
        retries: int = 2,
        backoff: float = 0.25,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        if not api_id or not user or not password:
            raise ValueError("api_id, user and password are required")
        self.base_url = base_url.rstrip("/")
        self.api_id = str(api_id)
        self.user = user
        self._password = password
        self._store = session_store if session_store is not None else DEFAULT_SESSION_STORE
        self._key = (self.base_url, self.api_id, self.user)
        self._transport = Transport(timeout=timeout, retries=retries, backoff=backoff,
                                    session=session, deadline=deadline)

    def __repr__(self) -> str:
        return f"MessagingClient({self.base_url!r}, api_id={self.api_id!r}, user={self.user!r})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> MessagingClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ plumbing

    def _post(self, command: str, params: Mapping[str, str], *, idempotent: bool
              ) -> list[str]:
        body = self._transport.post(f"{self.base_url}/http/{command}", params,
                                    action=command, idempotent=idempotent)
        return _lines(body)

    def _sign_in(self) -> str:
        line = _single("auth", self._post(
            "auth",
            {"api_id": self.api_id, "user": self.user, "password": self._password},
            idempotent=True,
        ))
        fields = _fields(line)
        session_id = fields.get("ok")
        if not session_id or not session_id.isalnum():
            raise ProtocolError("auth answer has no session id", action="auth")
        return session_id

    def _session_id(self) -> str:
        session_id = self._store.get(self._key)
        if session_id:
            return session_id
        with self._store.signing_in(self._key):
            session_id = self._store.get(self._key)
            if not session_id:
                session_id = self._sign_in()
                self._store.put(self._key, session_id)
            return session_id

    def _call(self, command: str, params: Mapping[str, str | None], *, idempotent: bool
              ) -> list[str]:
        form = {key: str(value) for key, value in params.items() if value is not None}
        for attempt in (1, 2):
            session_id = self._session_id()
            lines = self._post(command, {**form, "session_id": session_id},
                               idempotent=idempotent)
            if attempt == 1 and _session_error(lines):
                self._store.discard(self._key, session_id)
                continue
            return lines
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ commands

    def ping(self) -> None:
        """Keep the session alive (signing in again if it had expired)."""
        _single("ping", self._call("ping", {}, idempotent=True))

    def send(
        self,
        to: str,
        text: str,
        *,
        sender: str | None = None,
        client_message_id: str | None = None,
        callback: int = 7,
        mo: bool = True,
        max_parts: int | None = None,
        deliver_in_minutes: int | None = None,
    ) -> SendResult:
        """Send `text` to one number (E.164 '+…' or digits). Not repeated on timeout."""
        params, segments = self._send_params(
            text, sender=sender, client_message_id=client_message_id, callback=callback,
            mo=mo, max_parts=max_parts, deliver_in_minutes=deliver_in_minutes,
        )
        params["to"] = to_msisdn(to, name="to")
        line = _single("sendmsg", self._call("sendmsg", params, idempotent=False))
        return SendResult(_message_id("sendmsg", _fields(line)), segments.parts,
                          segments.encoding)

    def send_many(self, recipients: Iterable[str], text: str, **options) -> list[SendOutcome]:
        """Send one text to several numbers in one call; one outcome per recipient, in order.

        An error that concerns the whole call (no credit, bad sender…) is raised; an error
        for one number is that recipient's outcome.
        """
        recipients = list(recipients)
        numbers = [to_msisdn(number, name="to") for number in recipients]
        unique = list(dict.fromkeys(numbers))
        if not unique:
            raise ValueError("no recipients")
        if len(unique) > MAX_RECIPIENTS:
            raise ValueError(f"at most {MAX_RECIPIENTS} recipients per call")
        params, segments = self._send_params(text, **options)
        params["to"] = ",".join(unique)
        lines = self._call("sendmsg", params, idempotent=False)
        if not lines:
            raise ProtocolError("empty answer", action="sendmsg")

        by_number: dict[str, SendResult | ClickatellError] = {}
        for line in lines:
            match = _ERR.match(line)
            fields = _fields(line) if not match else {}
            number = match["to"] if match else fields.get("to")
            if not number:
                if len(unique) > 1:
                    if match:  # no "To:": the whole call was refused
                        raise _error_from("sendmsg", match)
                    raise ProtocolError("answer line without a recipient", action="sendmsg")
                number = unique[0]
            number = number.removeprefix("+")
            by_number[number] = (
                _error_from("sendmsg", match) if match
                else SendResult(_message_id("sendmsg", fields), segments.parts,
                                segments.encoding)
            )

        outcomes = []
        for given, number in zip(recipients, numbers, strict=True):
            answer = by_number.get(number)
            if answer is None:
                answer = ProtocolError("no answer line for this recipient", action="sendmsg")
            if isinstance(answer, ClickatellError):
                outcomes.append(SendOutcome(given, error=answer))
            else:
                outcomes.append(SendOutcome(given, result=answer))
        return outcomes

    def _send_params(
        self,
        text: str,
        *,
        sender: str | None = None,
        client_message_id: str | None = None,
        callback: int = 7,
        mo: bool = True,
        max_parts: int | None = None,
        deliver_in_minutes: int | None = None,
    ):
        if not text:
            raise ValueError("the message is empty")
        if callback not in codes.CALLBACK_LEVELS:
            raise ValueError(f"callback must be 0-7, not {callback!r}")
        if client_message_id is not None and not _CLIENT_MESSAGE_ID.match(client_message_id):
            raise ValueError("client_message_id must be 1-32 letters and digits")
        if deliver_in_minutes is not None and not (
            0 < deliver_in_minutes <= _MAX_DELIVERY_DELAY_MINUTES
        ):
            raise ValueError(f"deliver_in_minutes must be 1-{_MAX_DELIVERY_DELAY_MINUTES}")
        segments = analyse(text)
        if max_parts is not None and segments.parts > max_parts:
            # The same answer Clickatell would give (113), without spending a request.
            raise ClickatellError(codes.messaging_error_meaning("113"), action="sendmsg",
                                  code="113", retryable=False,
                                  description=f"needs {segments.parts} parts, "
                                              f"max_parts={max_parts}")
        params: dict[str, str | None] = {
            "text": to_ucs2_hex(text) if segments.encoding == UCS2 else text,
            "unicode": "1" if segments.encoding == UCS2 else None,
            "concat": str(segments.parts) if segments.parts > 1 else None,
            "from": self._sender(sender) if sender else None,
            "mo": "1" if mo else None,
            "callback": str(callback),
            "climsgid": client_message_id,
            "deliv_time": str(deliver_in_minutes) if deliver_in_minutes else None,
        }
        return params, segments

    @staticmethod
    def _sender(sender: str) -> str:
        try:
            return to_msisdn(sender, name="sender")
        except ValueError:
            if _ALPHA_SENDER.match(sender) and not sender.strip().isdigit():
                return sender
            raise

    @staticmethod
    def _one_id(api_message_id: str | None, client_message_id: str | None
                ) -> dict[str, str | None]:
        if (api_message_id is None) == (client_message_id is None):
            raise ValueError("give exactly one of api_message_id and client_message_id")
        return {"apimsgid": api_message_id, "climsgid": client_message_id}

    def query(self, api_message_id: str | None = None, client_message_id: str | None = None
              ) -> MessageStatus:
        """The current status of a message, by Clickatell's id or ours (ERR 104: unknown)."""
        line = _single("querymsg", self._call(
            "querymsg", self._one_id(api_message_id, client_message_id), idempotent=True))
        fields = _fields(line)
        return MessageStatus.from_code(_message_id("querymsg", fields),
                                       _status_code("querymsg", fields))

    def charge(self, api_message_id: str) -> MessageCharge:
        """What a message cost, and its status. Accepts both answer shapes that circulate:
        `apiMsgId: … charge: … status: …` and `ID: … Charge: … Status: …`."""
        line = _single("getmsgcharge", self._call(
            "getmsgcharge", {"apimsgid": api_message_id}, idempotent=True))
        fields = _fields(line)
        amount = _decimal(fields.get("charge"), "charge", "getmsgcharge")
        message_id = _message_id("getmsgcharge", fields)
        return MessageCharge(message_id, amount,
                             MessageStatus.from_code(message_id,
                                                     _status_code("getmsgcharge", fields)))

    def cancel(self, api_message_id: str | None = None, client_message_id: str | None = None
               ) -> MessageStatus:
        """Stop a scheduled message (delmsg); answers the message's status afterwards."""
        line = _single("delmsg", self._call(
            "delmsg", self._one_id(api_message_id, client_message_id), idempotent=False))
        fields = _fields(line)
        return MessageStatus.from_code(_message_id("delmsg", fields),
                                       _status_code("delmsg", fields))

    def balance(self) -> Decimal:
        """The account's credit balance."""
        line = _single("getbalance", self._call("getbalance", {}, idempotent=True))
        return _decimal(_fields(line).get("credit"), "credit", "getbalance")

