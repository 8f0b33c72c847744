"""Delivery reports: what happened to a text after Clickatell accepted it.

`apply_delivery_report` is called by the status webhook once the report is authenticated
(the account's secret in the URL) and stored raw. Reports repeat and arrive out of order:
only a status further along changes anything, and a final status is never moved backwards.
"""

from sqlalchemy import func, or_, select, update

from ..clickatell import DeliveryReport, codes
from ..extensions import db
from ..models import (
    ClickatellAccount,
    Direction,
    Message,
    MessageStatus,
    Reminder,
    ReminderStatus,
)

#: The app's status for each coarse provider state (`codes.STATES`).
STATUS_FOR_STATE = {
    "queued": MessageStatus.SENT,  # accepted by Clickatell: it has left our outbox
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "failed": MessageStatus.FAILED,
    "expired": MessageStatus.FAILED,
    "cancelled": MessageStatus.CANCELLED,
}

#: A reminder mirrors the status of its text.
REMINDER_STATUS = {
    MessageStatus.QUEUED: ReminderStatus.QUEUED,
    MessageStatus.SENDING: ReminderStatus.QUEUED,
    MessageStatus.SENT: ReminderStatus.SENT,
    MessageStatus.DELIVERED: ReminderStatus.DELIVERED,
    MessageStatus.FAILED: ReminderStatus.FAILED,
    MessageStatus.CANCELLED: ReminderStatus.CANCELLED,
}


def status_for_code(code: str) -> MessageStatus:
    return STATUS_FOR_STATE[codes.status_info(code).state]


def find_message(account: ClickatellAccount, report: DeliveryReport) -> Message | None:
    """The practice's outbound text the report is about: by Clickatell's id, or by ours (a
    report can overtake the moment we store Clickatell's id). Never another practice's."""
    ids = [Message.provider_message_id == report.api_message_id]
    if report.client_message_id:
        ids.append(Message.client_message_id == report.client_message_id)
    return db.session.scalar(
        select(Message).where(Message.practice_id == account.practice_id,
                              Message.direction == Direction.OUTBOUND, or_(*ids))
        .order_by((Message.provider_message_id == report.api_message_id).desc())
        .limit(1))


def apply_delivery_report(account: ClickatellAccount, report: DeliveryReport) -> bool:
    """Record the report on its text (and the text's reminder); the caller commits.

    Returns whether anything changed: False for a report about a text we do not know, a
    repeat, or a status that is not later than the one stored.

    The write is one conditional UPDATE ("only if the stored status is earlier"), not a
    read-modify-write of the loaded row: two reports of one text applied at once (003 and
    004 pushed a moment apart) would otherwise each write the columns they changed, leaving
    a delivered text with the code 003, or a final status overwritten.
    """
    message = find_message(account, report)
    if message is None:
        return False
    if not codes.is_later_status(message.status_code, report.status):
        return False
    if message.status is MessageStatus.CANCELLED and message.provider_message_id is None \
            and message.status_code is None:
        return False  # we stopped it before it left; a report cannot be about it
    info = report.status_info
    status = STATUS_FOR_STATE[info.state]
    values = {"status": status, "status_code": info.code, "status_detail": info.meaning,
              "provider_message_id": func.coalesce(Message.provider_message_id,
                                                   report.api_message_id)}
    if report.charge is not None:
        values["charge"] = report.charge
    if status is MessageStatus.DELIVERED:
        values["delivered_at"] = report.timestamp
    changed = db.session.execute(
        update(Message).where(Message.id == message.id, _stored_status_earlier_than(info))
        .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.expire(message)
    if not changed:
        return False  # a later report of the same text got there first
    mirror_on_reminder(message.id, status, info.meaning)
    return True


def _stored_status_earlier_than(info: codes.StatusInfo):
    """SQL condition: the stored status code is one that `info` may replace
    (`codes.is_later_status`, evaluated by the database on the row as it is now)."""
    earlier = [code for code, known in codes.MESSAGE_STATUSES.items() if known.rank < info.rank]
    condition = [Message.status_code.is_(None), Message.status_code.in_(earlier)]
    if info.rank > 0:  # an unknown stored code ranks lowest
        condition.append(Message.status_code.not_in(list(codes.MESSAGE_STATUSES)))
    return or_(*condition)


def mirror_on_reminder(message_id: int, status: MessageStatus, detail: str) -> None:
    db.session.execute(
        update(Reminder).where(Reminder.message_id == message_id)
        .values(status=REMINDER_STATUS[status], reason=detail[:300])
        .execution_options(synchronize_session=False))
