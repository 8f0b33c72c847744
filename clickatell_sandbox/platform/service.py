"""The One API's rules: who is calling (the setup's key), what a setup may send to whom, what
it costs, and the two JSON callbacks. Messages share the Central tables and delivery walk, so
the phone pages and the test API show both generations alike."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import messages, push
from ..errors import MessagingError
from ..storage import Account, Integration, Message, OptOut, TestPhone, utcnow
from ..text import is_gsm7
from . import codes

if TYPE_CHECKING:
    from ..runtime import Sandbox

#: The Central refusals `messages.send` raises, as the One API words them.
_FROM_CENTRAL = {"105": 25, "113": 100, "301": 20, "302": 20}


class PlatformError(Exception):
    """A One API error: `{"code", "description"}`, answered with the table's HTTP status."""

    def __init__(self, code: int, detail: str = "") -> None:
        super().__init__(codes.description(code, detail))
        self.code = code
        self.detail = detail

    @property
    def http_status(self) -> int:
        return codes.ERRORS[self.code][0]

    def as_json(self) -> dict:
        return codes.error(self.code, self.detail)


class ForcedErrors:
    """Error codes the test API queued for the next sends, so every code can be reached."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: list[int] = []

    def add(self, code: int, count: int = 1) -> None:
        if code not in codes.ERRORS:
            raise ValueError(f"unknown One API error {code}")
        with self._lock:
            self._codes.extend([code] * count)

    def take(self) -> int | None:
        with self._lock:
            return self._codes.pop(0) if self._codes else None

    def clear(self) -> None:
        with self._lock:
            self._codes.clear()


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def authenticate(session: Session, header: str | None, apis: tuple[str, ...] = ("oneapi",)
                 ) -> Integration:
    """The setup whose key is the bare `Authorization` value ('Bearer …' is not a key), of
    one of the `apis` (a REST key does not open the One API)."""
    key = (header or "").strip()
    found = session.scalar(select(Integration).where(Integration.api_key == key)) if key else None
    if found is None or found.api not in apis:
        raise PlatformError(1)
    account = session.get_one(Account, found.account_id)
    if not account.email_activated:
        raise PlatformError(2)
    if not found.active:
        raise PlatformError(3)
    return found


# --------------------------------------------------------------------------- sending


def send_batch(sandbox: Sandbox, session: Session, integration: Integration, body: object
               ) -> tuple[int, dict]:
    """`POST /v1/message`: the answer's HTTP status and JSON (§5.2)."""
    forced = sandbox.forced_errors.take()
    if forced is not None and codes.ERRORS[forced][1] != "message":
        raise PlatformError(forced)
    items = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise PlatformError(21)
    if len(items) > codes.MAX_BATCH:
        raise PlatformError(22)
    answers = []
    for item, outcome in zip(items, send_items(sandbox, session, integration, items, forced),
                             strict=True):
        if isinstance(outcome, PlatformError):
            to = str(item.get("to", "")) if isinstance(item, dict) else ""
            answers.append({"accepted": False, "to": to.removeprefix("+"),
                            "error": outcome.as_json()})
        else:
            answers.append({"apiMessageId": outcome.api_msg_id, "accepted": True,
                            "to": outcome.recipient, "error": None})
    return _batch_status(answers), {"messages": answers, "error": None}


def send_items(sandbox: Sandbox, session: Session, integration: Integration, items: list,
               forced: int | None = None) -> list[Message | PlatformError]:
    """Each One API message item sent (committed, its walk started) or refused, in order;
    a `forced` message-level error refuses the first. Every Platform API sends through here."""
    integration_id = integration.id
    outcomes: list[Message | PlatformError] = []
    for item in items:
        try:
            if forced is not None:
                code, forced = forced, None
                raise PlatformError(code)
            message = _send_one(sandbox, session, session.get_one(Integration, integration_id),
                                item)
        except PlatformError as refusal:
            session.rollback()
            outcomes.append(refusal)
            continue
        session.commit()
        messages.start_delivery(sandbox, message.id)
        outcomes.append(message)
    return outcomes


def _batch_status(answers: list[dict]) -> int:
    refused = [answer["error"]["code"] for answer in answers if not answer["accepted"]]
    if not refused:
        return 202
    if len(refused) < len(answers):
        return 207
    return 402 if all(code == 20 for code in refused) else 400


def _send_one(sandbox: Sandbox, session: Session, integration: Integration, item: object
              ) -> Message:
    if not isinstance(item, dict):
        raise PlatformError(21)
    channel = item.get("channel", "sms")
    if channel != "sms":
        raise PlatformError(39 if channel == "whatsapp" else 23, "channel")
    to_raw, content = item.get("to"), item.get("content")
    if not isinstance(to_raw, str) or not to_raw.strip():
        raise PlatformError(23, "to .")
    if not isinstance(content, str) or not content.strip():
        raise PlatformError(23, "content .")
    to = messages.normalise_msisdn(to_raw)
    if to is None:
        raise PlatformError(25, to_raw)
    client_id = item.get("clientMessageId")
    if client_id is not None and (not isinstance(client_id, str) or not client_id
                                  or len(client_id) > codes.MAX_CLIENT_MESSAGE_ID):
        raise PlatformError(23, "clientMessageId .")
    sender = item.get("from")
    sender = messages.normalise_msisdn(sender) if isinstance(sender, str) and sender else None
    if item.get("from") and sender != integration.number:
        raise PlatformError(45)
    _check_recipient(session, integration, to, sender)
    outgoing = messages.Outgoing(
        text=content, unicode=not is_gsm7(content), sender=sender or "",
        cli_msg_id=client_id, callback=0, concat=codes.MAX_PARTS, mo=integration.two_way,
        deliver_in_minutes=None, max_credits=None, free=integration.sandbox,
    )
    account = session.get_one(Account, integration.account_id)
    try:
        message = messages.send(sandbox, session, account, None, outgoing, to)
    except MessagingError as refusal:
        raise PlatformError(_FROM_CENTRAL.get(refusal.code, 18), to) from None
    message.integration_id = integration.id
    session.flush()
    return message


def _check_recipient(session: Session, integration: Integration, to: str,
                     sender: str | None) -> None:
    if session.scalar(select(OptOut.id).where(OptOut.integration_id == integration.id,
                                              OptOut.msisdn == to)) is not None:
        raise PlatformError(26)
    if integration.sandbox and session.scalar(
        select(TestPhone.id).where(TestPhone.account_id == integration.account_id,
                                   TestPhone.msisdn == to)
    ) is None:
        raise PlatformError(28)
    if to.startswith("1"):  # the United States (and the rest of +1) [I]
        if not integration.two_way or sender is None:
            raise PlatformError(110)
        if not integration.stop_handling:
            raise PlatformError(111)


# --------------------------------------------------------------------- asking, balance


def status_of(session: Session, integration: Integration, api_message_id: str,
              now: datetime) -> dict:
    """`GET /v1/message/{id}`; a message the setup does not know answers UNKNOWN, now [I]."""
    message = session.scalar(select(Message).where(
        Message.api_msg_id == api_message_id.lower(), Message.direction == "mt",
        Message.integration_id == integration.id))
    if message is None:
        return {"status": codes.UNKNOWN[1], "timestamp": ms(now)}
    _, name = codes.STATUSES.get(message.status, codes.UNKNOWN)
    return {"sms": {"status": name, "timestamp": ms(message.updated_at)}}


def balance_of(session: Session, integration: Integration) -> dict:
    account = session.get_one(Account, integration.account_id)
    return {"currency": codes.CURRENCY, "balance": round(account.credit, 6)}


# ------------------------------------------------------------------------ callbacks


def _envelope(integration: Integration, kind: str, event: dict) -> dict:
    return {"integrationId": integration.id, "integrationName": integration.name,
            "event": {kind: [event]}}


def status_job(session: Session, message: Message) -> int | None:
    """The status callback of the message's current status, if its setup has the URL: the
    One API's envelope, or the flat fields of the SMS REST/HTTP integrations."""
    integration = session.get(Integration, message.integration_id)
    if integration is None or not integration.status_url:
        return None
    if integration.api != "oneapi":
        if message.status not in codes.SMS_PUSHED_STATUSES:
            return None
        document = _sms_status(integration, message)
    else:
        number, name = codes.STATUSES.get(message.status, codes.UNKNOWN)
        document = _envelope(integration, "messageStatusUpdate", {
            "channel": "sms", "messageId": message.api_msg_id,
            "clientMessageId": message.cli_msg_id, "timestamp": ms(message.updated_at),
            "statusCode": number, "status": name,
        })
    return push.new_json_job(session, kind="status", url=integration.status_url,
                             document=document).id


def _sms_status(integration: Integration, message: Message) -> dict:
    from ..codes import STATUSES as CENTRAL_STATUSES

    return {
        "integrationName": integration.name, "messageId": message.api_msg_id,
        "requestId": message.api_msg_id, "clientMessageId": message.cli_msg_id,
        "to": message.recipient, "from": message.sender, "statusCode": int(message.status),
        "status": codes.SMS_STATUS_NAMES.get(message.status, "MESSAGE_UNKNOWN"),
        "statusDescription": CENTRAL_STATUSES.get(message.status, "Message unknown"),
        "timestamp": ms(message.updated_at),
    }


def sms_status_of(session: Session, integration: Integration, api_message_id: str) -> dict:
    """`GET /public-client/message/status`: the status callback's fields, from the query."""
    message = session.scalar(select(Message).where(
        Message.api_msg_id == api_message_id.lower(), Message.direction == "mt",
        Message.account_id == integration.account_id, Message.integration_id.is_not(None)))
    if message is None:
        raise PlatformError(41)
    return _sms_status(session.get_one(Integration, message.integration_id), message)


def integration_for_number(session: Session, number: str) -> Integration | None:
    return session.scalar(select(Integration).where(Integration.number == number))


def receive(sandbox: Sandbox, session: Session, integration: Integration, sender: str,
            text: str, now: datetime | None = None) -> Message:
    """A text from a phone to the setup's two-way number: STOP/SUBSCRIBE, then the moText push
    to the setup's reply URL, linked to the last text the setup sent that phone."""
    now = now or utcnow()
    _opt_out_words(session, integration, sender, text)
    message = Message(direction="mo", account_id=integration.account_id,
                      integration_id=integration.id, sender=sender,
                      recipient=integration.number or "", text=text, status="",
                      created_at=now, updated_at=now)
    session.add(message)
    session.flush()
    related = session.scalar(
        select(Message).where(Message.integration_id == integration.id,
                              Message.direction == "mt", Message.recipient == sender)
        .order_by(Message.id.desc()).limit(1))
    job_id = None
    keyword = text.strip().upper()
    forwarded = codes.FORWARD_STOP_TEXTS or keyword not in codes.STOP_WORDS
    if integration.reply_url and forwarded and integration.api != "oneapi":
        job_id = push.new_json_job(session, kind="mo", url=integration.reply_url, document={
            "integrationName": integration.name,
            "messageId": related.api_msg_id if related else None,
            "replyMessageId": message.api_msg_id, "fromNumber": sender,
            "toNumber": integration.number, "timestamp": ms(now), "text": text,
            "charset": "UTF-8", "udh": "", "network": "Sandbox Mobile",
            "keyword": text.split()[0].upper() if text.split() else "",
        }).id
    elif integration.reply_url and forwarded:
        job_id = push.new_json_job(session, kind="mo", url=integration.reply_url,
                                   document=_envelope(integration, "moText", {
                                       "channel": "sms",
                                       "messageId": message.api_msg_id,
                                       "relatedMessageId": related.api_msg_id if related
                                       else None,
                                       "relatedClientMessageId": related.cli_msg_id
                                       if related else None,
                                       "from": sender,
                                       "to": integration.number,
                                       "timestamp": ms(now),
                                       "content": text,
                                       "charset": "UTF-8",
                                       "sms": {"network": "Sandbox Mobile"},
                                   })).id
    session.commit()
    if job_id is not None:
        push.schedule_now(sandbox, job_id)
    return message


def _opt_out_words(session: Session, integration: Integration, sender: str, text: str) -> None:
    if not integration.stop_handling:
        return
    keyword = " ".join(text.strip().upper().split())
    existing = session.scalar(select(OptOut).where(OptOut.integration_id == integration.id,
                                                   OptOut.msisdn == sender))
    if keyword in codes.STOP_WORDS and existing is None:
        session.add(OptOut(integration_id=integration.id, msisdn=sender))
    elif keyword in codes.START_WORDS and existing is not None:
        session.delete(existing)


# ------------------------------------------------------------------ setting up (test API)


def create_setup(session: Session, settings, data: dict) -> dict:
    """A Platform SMS setup in one call, on an existing account or a new ready one.

    `data`: user (and password, credits for a new account), name, two_way, number, sandbox,
    stop_handling, status_url, reply_url, active. Raises ValueError naming the bad field.
    """
    from ..accounts import create_ready_account, is_http_url
    from ..storage import LongNumber, new_hex_id

    user = str(data.get("user") or "")
    account = session.scalar(select(Account).where(Account.username == user))
    if account is None:
        create_ready_account(session, settings, {
            "user": user, "password": data.get("password") or "secret1",
            "credits": data.get("credits")})
        account = session.scalar(select(Account).where(Account.username == user))
    for name in ("status_url", "reply_url"):
        if data.get(name) is not None and not is_http_url(str(data[name])):
            raise ValueError(f"invalid {name}")
    two_way = bool(data.get("two_way", bool(data.get("number"))))
    number = None
    if data.get("number"):
        number = messages.normalise_msisdn(str(data["number"]))
        if number is None or not two_way or integration_for_number(session, number):
            raise ValueError("invalid or taken number (a two-way setup's own number)")
        owner = session.get(LongNumber, number)
        if owner is not None and owner.account_id != account.id:
            raise ValueError("invalid or taken number (a two-way setup's own number)")
        if owner is None:
            session.add(LongNumber(number=number, account_id=account.id))
    api = str(data.get("api") or "oneapi")
    if api not in {"oneapi", "rest", "http"}:
        raise ValueError("invalid api (oneapi, rest or http)")
    integration = Integration(
        account_id=account.id, name=str(data.get("name") or "SMS setup")[:100], api=api,
        api_key=new_hex_id(), two_way=two_way, number=number,
        sandbox=bool(data.get("sandbox", False)),
        stop_handling=bool(data.get("stop_handling", False)),
        active=bool(data.get("active", True)),
        status_url=data.get("status_url"), reply_url=data.get("reply_url"),
    )
    session.add(integration)
    session.flush()
    return describe_setup(integration)


def set_callbacks(session: Session, integration_id: str, data: dict) -> dict:
    """The portal step of pasting a setup's callback URLs (`status_url`, `reply_url`; a
    field left out keeps its value, null clears it). Raises ValueError naming the bad one."""
    from ..accounts import is_http_url

    integration = session.get(Integration, integration_id)
    if integration is None:
        raise ValueError("no such setup")
    for name in ("status_url", "reply_url"):
        if name not in data:
            continue
        if data[name] is not None and not is_http_url(str(data[name])):
            raise ValueError(f"invalid {name}")
        setattr(integration, name, data[name])
    return describe_setup(integration)


def describe_setup(integration: Integration) -> dict:
    return {
        "integration_id": integration.id, "name": integration.name, "api": integration.api,
        "api_key": integration.api_key, "two_way": integration.two_way,
        "number": integration.number, "sandbox": integration.sandbox,
        "stop_handling": integration.stop_handling, "active": integration.active,
        "status_url": integration.status_url, "reply_url": integration.reply_url,
    }


def add_test_phone(session: Session, user: str, msisdn: str) -> None:
    """Verify a test phone of the account (at most two, §1); raises ValueError."""
    account = session.scalar(select(Account).where(Account.username == user))
    number = messages.normalise_msisdn(msisdn)
    if account is None or number is None:
        raise ValueError("an existing user and a phone number are required")
    phones = session.scalars(select(TestPhone.msisdn)
                             .where(TestPhone.account_id == account.id)).all()
    if number in phones:
        return
    if len(phones) >= codes.MAX_TEST_PHONES:
        raise ValueError(f"at most {codes.MAX_TEST_PHONES} test phones per account")
    session.add(TestPhone(account_id=account.id, msisdn=number))
