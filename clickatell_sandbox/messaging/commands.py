"""One function per messaging command; each returns the answer's lines or raises MessagingError."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.security import check_password_hash

from .. import messages
from ..errors import MessagingError
from ..runtime import Sandbox
from ..storage import Account, Connection, LongNumber, MessagingSession
from ..text import decode_unicode_hex

CLI_MSG_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")
MAX_DELIVERY_DELAY_MINUTES = 10080


@dataclass
class Command:
    """One messaging request as the commands see it."""

    sandbox: Sandbox
    session: Session
    params: MultiDict
    ip: str
    now: datetime

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()


@dataclass(frozen=True)
class Client:
    account: Account
    api_id: int


def _check_ip(connection: Connection | None, ip: str) -> None:
    if connection is not None and connection.allowed_ips and ip not in connection.allowed_ips:
        raise MessagingError("007")


def authenticate(command: Command, *, allow_session: bool = True) -> Client:
    """`session_id` (renewed on use), or `api_id` + `user` + `password` on the call itself."""
    session = command.session
    session_id = command.param("session_id").lower()
    if session_id and allow_session:
        return _resume_session(command, session_id)
    if not any(command.param(name) for name in ("api_id", "user", "password")):
        raise MessagingError("005")
    api_id = command.param("api_id")
    connection = (
        session.scalar(select(Connection).where(Connection.api_id == int(api_id)))
        if api_id.isdigit()
        else None
    )
    if connection is None:
        raise MessagingError("108")
    account = session.scalar(select(Account).where(Account.username == command.param("user")))
    if account is None or not check_password_hash(account.password_hash, command.param("password")):
        raise MessagingError("001")
    if connection.account_id != account.id:
        raise MessagingError("108")
    _check_ip(connection, command.ip)
    return Client(account=account, api_id=int(api_id))


def _resume_session(command: Command, session_id: str) -> Client:
    ttl = timedelta(seconds=command.sandbox.settings.session_ttl_seconds)
    found = command.session.get(MessagingSession, session_id)
    if found is None or found.last_used_at + ttl <= command.now:
        raise MessagingError("003")
    found.last_used_at = command.now
    connection = command.session.scalar(select(Connection).where(Connection.api_id == found.api_id))
    _check_ip(connection, command.ip)
    return Client(account=command.session.get_one(Account, found.account_id), api_id=found.api_id)


def _credit(value: float) -> str:
    return repr(round(value, 6))


def _charge(value: float) -> str:
    """`getmsgcharge` prints a whole charge as Clickatell does, `1`, and others as `1.6`."""
    rounded = round(value, 6)
    return str(int(rounded)) if rounded.is_integer() else repr(rounded)


def auth(command: Command) -> list[str]:
    client = authenticate(command, allow_session=False)
    new_session = MessagingSession(
        account_id=client.account.id, api_id=client.api_id, last_used_at=command.now
    )
    command.session.add(new_session)
    command.session.flush()
    return [f"OK: {new_session.id}"]


def ping(command: Command) -> list[str]:
    if not command.param("session_id"):
        raise MessagingError("005")
    authenticate(command)
    return ["OK:"]


def _int_param(command: Command, name: str, default: int, low: int, high: int, code: str) -> int:
    raw = command.param(name) or str(default)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise MessagingError(code)
    return int(raw)


def _outgoing(command: Command, client: Client) -> messages.Outgoing:
    """Everything of a `sendmsg` but the recipients, validated."""
    unicode = command.param("unicode") == "1"
    text = command.params.get("text") or ""
    if unicode:
        try:
            text = decode_unicode_hex(text)
        except ValueError:
            raise MessagingError("116") from None
    if not text.strip():
        raise MessagingError("107")
    sender = command.param("from")
    if sender:
        owned = command.session.scalar(
            select(LongNumber).where(
                LongNumber.number == sender, LongNumber.account_id == client.account.id
            )
        )
        if owned is None:
            raise MessagingError("123")
    cli_msg_id = command.param("climsgid") or None
    if cli_msg_id is not None and not CLI_MSG_ID.match(cli_msg_id):
        raise MessagingError("101")
    deliv_time = command.param("deliv_time")
    max_credits = command.param("max_credits")
    try:
        credit_cap = float(max_credits) if max_credits else None
    except ValueError:
        raise MessagingError("101") from None
    return messages.Outgoing(
        text=text,
        unicode=unicode,
        sender=sender,
        cli_msg_id=cli_msg_id,
        callback=_int_param(command, "callback", 0, 0, 7, "101"),
        concat=_int_param(command, "concat", 1, 1, 35, "101"),
        mo=command.param("mo") == "1",
        deliver_in_minutes=_int_param(
            command, "deliv_time", 0, 1, MAX_DELIVERY_DELAY_MINUTES, "120"
        )
        if deliv_time
        else None,
        max_credits=credit_cap,
    )


def sendmsg(command: Command) -> list[str]:
    """One line per recipient; with several, each line names its recipient."""
    client = authenticate(command)
    if not client.account.email_activated:
        raise MessagingError("004")
    recipients = [to.strip() for to in command.param("to").split(",") if to.strip()]
    if not recipients:
        raise MessagingError("101")
    outgoing = _outgoing(command, client)
    command.session.commit()
    lines = []
    for recipient in recipients:
        suffix = f" To: {recipient}" if len(recipients) > 1 else ""
        try:
            message = messages.send(
                command.sandbox,
                command.session,
                client.account,
                client.api_id,
                outgoing,
                recipient,
            )
        except MessagingError as refusal:
            command.session.rollback()
            if len(recipients) == 1:
                raise
            lines.append(refusal.line() + suffix)
            continue
        command.session.commit()
        messages.start_delivery(command.sandbox, message.id)
        lines.append(f"ID: {message.api_msg_id}{suffix}")
    return lines


def _message(command: Command, client: Client, *, client_id_allowed: bool = True):
    return messages.find_message(
        command.session,
        client.account,
        api_msg_id=command.param("apimsgid") or None,
        cli_msg_id=(command.param("climsgid") or None) if client_id_allowed else None,
    )


def querymsg(command: Command) -> list[str]:
    message = _message(command, authenticate(command))
    return [f"ID: {message.api_msg_id} Status: {message.status}"]


def getmsgcharge(command: Command) -> list[str]:
    message = _message(command, authenticate(command), client_id_allowed=False)
    return [
        f"apiMsgId: {message.api_msg_id} charge: {_charge(message.charge)} status: {message.status}"
    ]


def delmsg(command: Command) -> list[str]:
    message = _message(command, authenticate(command))
    message = messages.cancel(command.sandbox, command.session, message)
    return [f"ID: {message.api_msg_id} Status: {message.status}"]


def getbalance(command: Command) -> list[str]:
    client = authenticate(command)
    command.session.refresh(client.account)
    return [f"Credit: {_credit(client.account.credit)}"]


COMMANDS: dict[str, Callable[[Command], list[str]]] = {
    command.__name__: command
    for command in (auth, ping, sendmsg, querymsg, getmsgcharge, delmsg, getbalance)
}
