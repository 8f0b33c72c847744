"""Messages: sending (credits per part), the delivery-status walk, reports and inbound replies."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import push
from .catalog import GET_CALLBACK_TYPES
from .codes import FINAL_STATUSES, pushes_status
from .errors import MessagingError
from .storage import Account, Connection, LongNumber, Message, Phone, new_hex_id, utcnow
from .text import parts_needed

if TYPE_CHECKING:
    from .runtime import Sandbox

MSISDN = re.compile(r"^[1-9][0-9]{6,14}$")
MO_CLOCK = timezone(timedelta(hours=2))  # Clickatell stamps MO callbacks in GMT+2
SYSTEM_SENDER = "Clickatell"


def normalise_msisdn(raw: str) -> str | None:
    """International digits for a number written with or without '+'; None if not a number."""
    digits = raw.strip().removeprefix("+")
    return digits if MSISDN.match(digits) else None


@dataclass(frozen=True)
class Outgoing:
    """What one `sendmsg` asks for, already validated, apart from the recipients."""

    text: str
    unicode: bool
    sender: str
    cli_msg_id: str | None
    callback: int
    concat: int
    mo: bool
    deliver_in_minutes: int | None
    max_credits: float | None
    #: A Platform sandbox setup's texts cost nothing (charging starts in production).
    free: bool = False


def send(
    sandbox: Sandbox,
    session: Session,
    account: Account,
    api_id: int | None,
    outgoing: Outgoing,
    recipient: str,
) -> Message:
    """Store and charge one message to one recipient; raises MessagingError (105, 113, 301, 302).

    The charge is taken with a conditional UPDATE so concurrent sends cannot overdraw.
    """
    if not MSISDN.match(recipient):
        raise MessagingError("105")
    parts = parts_needed(outgoing.text, outgoing.unicode)
    if parts > outgoing.concat:
        raise MessagingError("113")
    charge = 0.0 if outgoing.free else round(parts * sandbox.settings.credits_per_part, 6)
    if outgoing.max_credits is not None and charge > outgoing.max_credits:
        raise MessagingError("302")
    taken = session.execute(
        update(Account)
        .where(Account.id == account.id, Account.credit >= charge)
        .values(credit=Account.credit - charge)
    )
    if taken.rowcount != 1:
        raise MessagingError("301")
    now = utcnow()
    scheduled = outgoing.deliver_in_minutes is not None
    message = Message(
        cli_msg_id=outgoing.cli_msg_id,
        account_id=account.id,
        api_id=api_id,
        sender=outgoing.sender,
        recipient=recipient,
        text=outgoing.text,
        unicode=outgoing.unicode,
        parts=parts,
        charge=charge,
        status="011" if scheduled else "002",
        callback=outgoing.callback,
        mo_requested=outgoing.mo,
        deliver_after=now + timedelta(seconds=sandbox.scaled(outgoing.deliver_in_minutes * 60))
        if scheduled
        else None,
        created_at=now,
        updated_at=now,
    )
    session.add(message)
    session.flush()
    return message


def send_system_sms(session: Session, recipient: str, text: str) -> Message:
    """A text Clickatell itself sends (activation codes): free, delivered at once, no reports."""
    message = Message(
        direction="mt", sender=SYSTEM_SENDER, recipient=recipient, text=text, status="004"
    )
    session.add(message)
    session.flush()
    return message


def find_message(
    session: Session,
    account: Account,
    *,
    api_msg_id: str | None = None,
    cli_msg_id: str | None = None,
) -> Message:
    """The account's message by either id (the newest if a client id was reused)."""
    query = select(Message).where(Message.account_id == account.id, Message.direction == "mt")
    if api_msg_id:
        found = session.scalar(query.where(Message.api_msg_id == api_msg_id.lower()))
        if found is None:
            raise MessagingError("103")
        return found
    if cli_msg_id:
        found = session.scalar(
            query.where(Message.cli_msg_id == cli_msg_id).order_by(Message.id.desc()).limit(1)
        )
        if found is None:
            raise MessagingError("104")
        return found
    raise MessagingError("109")


def cancel(sandbox: Sandbox, session: Session, message: Message) -> Message:
    """`delmsg`: only a message still waiting for its delivery time can be stopped."""
    stopped = session.execute(
        update(Message)
        .where(Message.id == message.id, Message.status == "011")
        .values(status="006", updated_at=utcnow())
    )
    session.commit()
    session.refresh(message)
    if stopped.rowcount == 1:
        _report(sandbox, message.id)
    return message


def start_delivery(sandbox: Sandbox, message_id: int) -> None:
    sandbox.scheduler.call_later(0, _walk, sandbox, message_id, False)


def _next_status(session: Session, message: Message) -> str | None:
    if message.status == "011":
        return "002"
    if message.status == "002":
        return "003"
    if message.status == "003":
        phone = session.get(Phone, message.recipient)
        return "007" if phone is not None and not phone.reachable else "004"
    return None


def _walk(sandbox: Sandbox, message_id: int, advance: bool) -> None:
    """One step of a message's delivery: move to the next status, push its report (first attempt
    inline, so the reports of one message leave in order), then schedule the next step."""
    with sandbox.store.session() as session:
        message = session.get(Message, message_id)
        if message is None:
            return
        if advance:
            new_status = _next_status(session, message)
            if new_status is None:
                return
            moved = session.execute(
                update(Message)
                .where(Message.id == message.id, Message.status == message.status)
                .values(status=new_status, updated_at=utcnow())
            )
            session.commit()
            if moved.rowcount != 1:
                return
            session.refresh(message)
        status, deliver_after = message.status, message.deliver_after
    _report(sandbox, message_id)
    if status in FINAL_STATUSES:
        return
    delay = sandbox.settings.delivery_step_seconds
    if status == "011" and deliver_after is not None:
        delay = max(0.0, (deliver_after - utcnow()).total_seconds())
    sandbox.scheduler.call_later(delay, _walk, sandbox, message_id, True)


def _report(sandbox: Sandbox, message_id: int) -> None:
    """Push the delivery report of the message's current status, if its level asks for it
    (a Platform message: the status callback of its setup, for every status)."""
    from .platform import service as platform

    with sandbox.store.session() as session:
        message = session.get(Message, message_id)
        if message is not None and message.integration_id is not None:
            job_id = platform.status_job(session, message)
            session.commit()
            if job_id is not None:
                push.attempt(sandbox, job_id)
            return
        if message is None or not pushes_status(message.callback, message.status):
            return
        connection = session.scalar(select(Connection).where(Connection.api_id == message.api_id))
        if connection is None or not connection.callback_url:
            return
        job = push.new_job(
            session,
            kind="status",
            url=connection.callback_url,
            method="GET" if connection.callback_type_id in GET_CALLBACK_TYPES else "POST",
            params=[
                ("api_id", str(message.api_id)),
                ("apiMsgId", message.api_msg_id),
                ("cliMsgId", message.cli_msg_id or ""),
                ("timestamp", str(int(message.updated_at.timestamp()))),
                ("to", message.recipient),
                ("from", message.sender),
                ("status", message.status),
                ("charge", f"{message.charge:.6f}"),
            ],
            username=connection.callback_username,
            password=connection.callback_password,
        )
        session.commit()
        job_id = job.id
    push.attempt(sandbox, job_id)


def receive_reply(
    sandbox: Sandbox, session: Session, sender: str, to: str, text: str, now: datetime | None = None
) -> Message:
    """An SMS from a phone to a long number: stored, then pushed to the number's reply callback.

    Raises LookupError when `to` is not a long number of any account. A number linked to a
    Platform setup answers through that setup's reply URL.
    """
    from .platform import service as platform

    integration = platform.integration_for_number(session, to)
    if integration is not None:
        return platform.receive(sandbox, session, integration, sender, text, now)
    number = session.get(LongNumber, to)
    if number is None:
        raise LookupError(f"{to} is not a two-way number of any account")
    now = now or utcnow()
    message = Message(
        api_msg_id=new_hex_id(),
        direction="mo",
        account_id=number.account_id,
        api_id=number.api_id or _default_api_id(session, number.account_id),
        sender=sender,
        recipient=to,
        text=text,
        status="",
        created_at=now,
        updated_at=now,
    )
    session.add(message)
    session.flush()
    job_id = None
    if number.mo_callback_url:
        charset, encoded = _mo_text(text)
        job = push.new_job(
            session,
            kind="mo",
            url=number.mo_callback_url,
            method=number.mo_method,
            params=[
                ("api_id", str(message.api_id or "")),
                ("moMsgId", message.api_msg_id),
                ("from", sender),
                ("to", to),
                ("timestamp", now.astimezone(MO_CLOCK).strftime("%Y-%m-%d %H:%M:%S")),
                ("text", encoded),
                ("charset", charset),
                ("udh", ""),
                ("network", "Sandbox Mobile"),
            ],
            user_agent=push.MO_USER_AGENT,
        )
        job_id = job.id
    session.commit()
    if job_id is not None:
        push.schedule_now(sandbox, job_id)
    return message


def _default_api_id(session: Session, account_id: int) -> int | None:
    return session.scalar(
        select(Connection.api_id)
        .where(Connection.account_id == account_id)
        .order_by(Connection.id.desc())
        .limit(1)
    )


def _mo_text(text: str) -> tuple[str, bytes]:
    """Clickatell sends Latin-1 text as ISO-8859-1 and anything else as raw UTF-16BE bytes."""
    try:
        return "ISO-8859-1", text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return "UTF-16BE", text.encode("utf-16-be")


def new_activation_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def resume(sandbox: Sandbox) -> None:
    """After a restart, walk on every message whose delivery had not finished."""
    with sandbox.store.session() as session:
        unfinished = session.execute(
            select(Message.id, Message.status).where(Message.status.in_(("002", "003", "011")))
        ).all()
    for message_id, status in unfinished:
        sandbox.scheduler.call_later(0, _walk, sandbox, message_id, status != "011")


def as_json(message: Message) -> dict:
    return {
        "apiMsgId": message.api_msg_id,
        "cliMsgId": message.cli_msg_id,
        "direction": message.direction,
        "from": message.sender,
        "to": message.recipient,
        "text": message.text,
        "parts": message.parts,
        "charge": message.charge,
        "status": message.status,
        "created": message.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
