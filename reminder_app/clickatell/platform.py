"""Clickatell's Platform One API (SMS): send texts, ask about them, read the balance, and read
the two callbacks a setup pushes (status updates and inbound texts).

Calls go to `<base_url>/v1/...` with the setup's bare API key in `Authorization` and JSON both
ways. Errors are `{"code": <int>, "description": "..."}`, globally or per message, answered with
HTTP 400/401/402/404 (read here) or 5xx (`GatewayUnavailable`, from the transport). A send is
never repeated after a timeout; the status query and the balance are. Source:
/work/shared/clickatell-platform.md §2, §5, §6.3, §9.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import requests

from . import codes
from ._numbers import to_msisdn
from .errors import CallbackError, ClickatellError, ProtocolError
from .gateway import Balance, Reply, StatusUpdate
from .messaging import MessageStatus, SendOutcome, SendResult
from .segments import analyse
from .transport import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, Transport

__all__ = [
    "MAX_BATCH",
    "OneApiClient",
    "OneApiText",
    "parse_platform_replies",
    "parse_platform_statuses",
]

#: Messages per `POST /v1/message` (error 22 beyond it).
MAX_BATCH = 200
#: The One API answers these with a JSON error we read; other non-2xx are protocol errors.
_READABLE = frozenset({400, 401, 402, 404})
_HEX_ID = re.compile(r"[0-9a-f]{32}\Z")
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
_DIGITS = re.compile(r"\+?[0-9]{3,15}\Z")
_CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
_MAX_CALLBACK_BYTES = 64 * 1024
MAX_INBOUND_TEXT = 4000
_PLAUSIBLE_YEARS = range(2000, 2100)


@dataclass(frozen=True, slots=True)
class OneApiText:
    """One SMS of a batch."""

    to: str
    text: str
    sender: str | None = None
    client_message_id: str | None = None


def _error(action: str, payload: Any, http_status: int | None = None) -> ClickatellError:
    """A ClickatellError from a One API error object (`{"code", "description"}`)."""
    code = payload.get("code") if isinstance(payload, Mapping) else None
    if isinstance(code, bool) or not isinstance(code, int | str):
        raise ProtocolError(f"error without a code (HTTP {http_status})", action=action)
    row = codes.one_api_error(code)
    description = payload.get("description")
    return ClickatellError(
        row.meaning,
        action=action,
        code=str(row.code),
        description=description if isinstance(description, str) else "",
        retryable=row.remedy is codes.Remedy.RETRY_LATER,
        remedy=row.remedy,
    )


def _json(action: str, body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError("answer is not JSON", action=action) from None


def _digits(number: str) -> str:
    return number.strip().removeprefix("+")


class OneApiClient:
    """One Platform SMS setup (integration), known by its API key; an `SmsGateway`."""

    finds_by_client_id = False

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        retries: int = 2,
        backoff: float = 0.25,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        if not api_key or not api_key.strip() or any(ch in api_key for ch in "\r\n"):
            raise ValueError("an API key is required")
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key.strip()
        self._transport = Transport(timeout=timeout, retries=retries, backoff=backoff,
                                    session=session, deadline=deadline)

    def __repr__(self) -> str:  # never the key
        return f"OneApiClient({self.base_url!r})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> OneApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, action: str, *, idempotent: bool,
              body: Any = None) -> Any:
        """The decoded JSON of a 2xx answer; a global error is raised."""
        answer = self._transport.request(
            method, f"{self.base_url}{path}", action=action, idempotent=idempotent,
            json=body, readable=_READABLE,
            headers={"Authorization": self._api_key, "Accept": "application/json"},
        )
        payload = _json(action, answer.body) if answer.body.strip() else {}
        if not isinstance(payload, dict):
            raise ProtocolError("answer is not a JSON object", action=action)
        if payload.get("error"):
            raise _error(action, payload["error"], answer.status)
        if answer.status in _READABLE and not payload.get("messages"):
            raise ProtocolError(f"HTTP {answer.status} without an error", action=action)
        return payload

    # ------------------------------------------------------------------ messages

    def send(self, to: str, text: str, *, sender: str | None = None,
             client_message_id: str | None = None) -> SendResult:
        """Send one SMS; a refusal is raised. Not repeated on timeout."""
        [outcome] = self.send_many([OneApiText(to, text, sender, client_message_id)])
        if outcome.error is not None:
            raise outcome.error
        assert outcome.result is not None
        return outcome.result

    def send_many(self, texts: Iterable[OneApiText]) -> list[SendOutcome]:
        """Send up to 200 SMS in one request; one outcome per text, in order.

        An error of the whole request (bad key, no credit…) is raised; one text's refusal is
        its outcome. The One API answers the messages in the order they were given.
        """
        texts = list(texts)
        if not texts:
            raise ValueError("no messages")
        if len(texts) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} messages per request")
        items = [self._item(text) for text in texts]
        payload = self._call("POST", "/v1/message", "send", idempotent=False,
                             body={"messages": items})
        answered = payload.get("messages")
        if not isinstance(answered, list) or len(answered) != len(items):
            raise ProtocolError("answer does not list every message", action="send")
        outcomes = []
        for text, item, entry in zip(texts, items, answered, strict=True):
            if not isinstance(entry, dict) or _digits(str(entry.get("to", ""))) != item["to"]:
                raise ProtocolError("answer lists another recipient", action="send")
            outcomes.append(self._outcome(text, entry))
        return outcomes

    @staticmethod
    def _item(text: OneApiText) -> dict[str, str]:
        if not text.text:
            raise ValueError("the message is empty")
        if text.client_message_id is not None and not _CLIENT_MESSAGE_ID.match(
                text.client_message_id):
            raise ValueError("client_message_id must be 1-64 letters, digits, - or _")
        item = {"channel": "sms", "to": to_msisdn(text.to, name="to"),
                "content": text.text}
        if text.sender:
            item["from"] = to_msisdn(text.sender, name="sender")
        if text.client_message_id:
            item["clientMessageId"] = text.client_message_id
        return item

    @staticmethod
    def _outcome(text: OneApiText, entry: dict) -> SendOutcome:
        if entry.get("accepted") is True:
            message_id = entry.get("apiMessageId")
            if not isinstance(message_id, str) or not _HEX_ID.match(message_id):
                raise ProtocolError("accepted message without an id", action="send")
            segments = analyse(text.text)
            return SendOutcome(text.to, result=SendResult(message_id, segments.parts,
                                                          segments.encoding))
        if not entry.get("error"):
            raise ProtocolError("refused message without an error", action="send")
        return SendOutcome(text.to, error=_error("send", entry["error"]))

    def status(self, *, api_message_id: str | None = None,
               client_message_id: str | None = None) -> MessageStatus:
        """The current status of a message, by Clickatell's id: the One API has no look-up
        by our client message id (`finds_by_client_id` is False)."""
        if client_message_id is not None:
            raise ValueError("the One API finds messages by api_message_id only")
        if not _HEX_ID.match(api_message_id or ""):
            raise ValueError("api_message_id must be 32 hexadecimal digits")
        payload = self._call("GET", f"/v1/message/{api_message_id}", "status",
                             idempotent=True)
        found = payload.get("sms", payload)  # an unknown message has no channel key
        if not isinstance(found, dict) or not isinstance(found.get("status"), str):
            raise ProtocolError("answer has no status", action="status")
        info = codes.one_api_status(found["status"])
        return MessageStatus(api_message_id, info.code, info.meaning, info.final, info.state)

    def balance(self) -> Balance:
        payload = self._call("GET", "/v1/balance", "balance", idempotent=True)
        try:
            amount = Decimal(str(payload.get("balance")))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ProtocolError("answer has no balance", action="balance")
        currency = payload.get("currency")
        return Balance(amount, currency if isinstance(currency, str) and currency else None)


    # ------------------------------------------------------------------ callbacks

    def parse_status_callback(self, params: Mapping[str, str], body: bytes
                              ) -> list[StatusUpdate]:
        return parse_platform_statuses(body)

    def parse_reply_callback(self, params: Mapping[str, str], body: bytes) -> list[Reply]:
        return parse_platform_replies(body)


# ------------------------------------------------------------------------ callbacks


def _sms_events(body: bytes | str, kind: str) -> tuple[str, list[dict]]:
    """The integration id and the SMS events of `kind` in a One API callback envelope.

    Events of other kinds and channels are ignored, as the documentation asks (new kinds
    may appear; WhatsApp shares the envelope).
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if len(raw) > _MAX_CALLBACK_BYTES:
        raise CallbackError("body", "too long")
    try:
        envelope = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise CallbackError("body", "not JSON") from None
    if not isinstance(envelope, dict):
        raise CallbackError("body", "not a JSON object")
    integration_id = envelope.get("integrationId")
    if not isinstance(integration_id, str) or not _ID.match(integration_id):
        raise CallbackError("integrationId", "missing" if integration_id is None else "invalid")
    event = envelope.get("event")
    if not isinstance(event, dict):
        raise CallbackError("event")
    items = event.get(kind, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise CallbackError(kind, "invalid")
    return integration_id, [item for item in items if item.get("channel", "sms") == "sms"]


def _text(item: dict, name: str, pattern: re.Pattern[str] | None = None, *,
          required: bool = True) -> str | None:
    value = item.get(name)
    if value is None or value == "":
        if required:
            raise CallbackError(name)
        return None
    if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
        raise CallbackError(name, "invalid")
    return value


def _moment(item: dict) -> datetime:
    stamp = item.get("timestamp")
    if isinstance(stamp, str) and stamp.isdigit():
        stamp = int(stamp)
    if isinstance(stamp, bool) or not isinstance(stamp, int):
        raise CallbackError("timestamp", "missing" if stamp is None else "invalid")
    try:
        moment = datetime.fromtimestamp(stamp / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        raise CallbackError("timestamp", "invalid") from None
    if moment.year not in _PLAUSIBLE_YEARS:
        raise CallbackError("timestamp", "invalid")
    return moment


def parse_platform_statuses(body: bytes | str) -> list[StatusUpdate]:
    """The `messageStatusUpdate` events of a status callback."""
    integration_id, items = _sms_events(body, "messageStatusUpdate")
    return [_status_update(integration_id, item) for item in items]


def parse_platform_replies(body: bytes | str) -> list[Reply]:
    """The `moText` events of an inbound callback (media and locations are skipped)."""
    integration_id, items = _sms_events(body, "moText")
    return [_reply(integration_id, item) for item in items]


def _status_update(integration_id: str, item: dict) -> StatusUpdate:
    number = item.get("statusCode")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
        raise CallbackError("statusCode", "invalid")
    name = _text(item, "status", required=number is None)
    return StatusUpdate(
        account=integration_id,
        api_message_id=_text(item, "messageId", _ID),
        client_message_id=_text(item, "clientMessageId", _ID, required=False),
        status=codes.one_api_status(name, number),
        at=_moment(item),
    )


def _reply(integration_id: str, item: dict) -> Reply:
    content = item.get("content")
    if not isinstance(content, str):
        raise CallbackError("content", "missing" if content is None else "invalid")
    content = content.replace("\x00", "")
    if len(content) > MAX_INBOUND_TEXT:
        raise CallbackError("content", "too long")
    sms = item.get("sms")
    network = sms.get("network") if isinstance(sms, dict) else None
    return Reply(
        account=integration_id,
        message_id=_text(item, "messageId", _ID),
        related_message_id=_text(item, "relatedMessageId", _ID, required=False),
        sender="+" + _digits(_text(item, "from", _DIGITS)),
        to="+" + _digits(_text(item, "to", _DIGITS)),
        received_at=_moment(item),
        text=content,
        network=network.replace("\x00", "")[:64] if isinstance(network, str) else None,
    )
