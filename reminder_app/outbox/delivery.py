"""Delivery reports: what happened to a text after Clickatell accepted it.

`apply_delivery_report` is called by the status webhooks (Central's and the Platform's) once
the report is authenticated (the account's secret in the URL) and stored raw, with the
gateway's `StatusUpdate`, whichever generation sent it. Reports repeat and arrive out of
order: only a status further along changes anything, and a final status is never moved
backwards. A report also finds a text by our own client message id: that is how a Platform
text whose send got no answer is known to have left (`outbox.dispatcher`).
"""

from decimal import Decimal

from sqlalchemy import Integer, and_, bindparam, case, func, or_, select, update

from ..clickatell import StatusUpdate, codes
from ..extensions import db
from ..models import (
    ClickatellAccount,
    Direction,
    Message,
    MessageStatus,
    Reminder,
    ReminderStatus,
)
from ..models.types import utcnow

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


messages = Message.__table__
reminders = Reminder.__table__


_CHARGE = messages.c.charge.type  # NUMERIC(10, 4)
#: The largest charge a text's row holds: 999999.9999.
LARGEST_CHARGE = Decimal(10) ** (_CHARGE.precision - _CHARGE.scale) - Decimal(10) ** -_CHARGE.scale


def storable_charge(report: StatusUpdate) -> Decimal | None:
    """The report's charge, unless it is more than a text's row holds (no text costs a
    million credits; found by the webhook fuzzer: PostgreSQL refused the whole report). The
    report is then applied without it, and its stored raw callback still shows it."""
    if report.charge is None or report.charge > LARGEST_CHARGE:
        return None
    return report.charge


def _param(name: str, column):
    return bindparam(name, type_=column.type)


#: Every known status code's rank: Central's three digits ("004") and the One API's
#: numbers ("5") never coincide, so one table serves both generations.
_RANKS = {**{code: info.rank for code, info in codes.MESSAGE_STATUSES.items()},
          **{info.code: info.rank for info in codes.ONE_API_STATUSES.values()}}


def _rank(status_code):
    """SQL: how far along a stored status code is (`codes.status_info(code).rank`; an
    unknown code ranks lowest)."""
    return case(_RANKS, value=status_code, else_=0)


#: The practice's outbound text a report is about: by Clickatell's id, or by ours (a report
#: can overtake the moment we store Clickatell's id); never another practice's.
_REPORTED_TEXT = (
    select(messages.c.id)
    .where(messages.c.practice_id == _param("r_practice_id", messages.c.practice_id),
           messages.c.direction == Direction.OUTBOUND,
           or_(messages.c.gateway_message_id == _param("r_api_id", messages.c.gateway_message_id),
               messages.c.client_message_id == _param("r_client_id",
                                                      messages.c.client_message_id)))
    .order_by(case((messages.c.gateway_message_id == _param("r_api_id",
                                                             messages.c.gateway_message_id),
                    0), else_=1))
    .limit(1).scalar_subquery())

#: Record a report on its text, only if the stored status is earlier
#: (`codes.is_later_status`, decided by the database on the row as it is now), and never on
#: a text we cancelled before it left (no Clickatell id, no code).
_APPLY = (
    update(messages)
    .where(messages.c.id == _REPORTED_TEXT,
           or_(messages.c.status_code.is_(None),
               _rank(messages.c.status_code) < bindparam("r_rank", type_=Integer)),
           ~and_(messages.c.status == MessageStatus.CANCELLED,
                 messages.c.gateway_message_id.is_(None), messages.c.status_code.is_(None)))
    .values(status=_param("r_status", messages.c.status),
            status_code=_param("r_code", messages.c.status_code),
            status_detail=_param("r_detail", messages.c.status_detail),
            gateway_message_id=func.coalesce(messages.c.gateway_message_id,
                                              _param("r_api_id", messages.c.gateway_message_id)),
            charge=func.coalesce(_param("r_charge", messages.c.charge), messages.c.charge),
            delivered_at=func.coalesce(_param("r_delivered_at", messages.c.delivered_at),
                                       messages.c.delivered_at))
    .returning(messages.c.id))

#: The text's reminder mirrors its new status (`REMINDER_STATUS`).
_MIRRORED = {"status": _param("r_reminder_status", reminders.c.status),
             "reason": _param("r_reason", reminders.c.reason),
             "updated_at": _param("r_now", reminders.c.updated_at)}
_MIRROR = (update(reminders)
           .where(reminders.c.message_id == _param("r_message_id", reminders.c.message_id))
           .values(_MIRRORED))

#: Both in one statement on PostgreSQL, the mirror a data-modifying CTE on the id the text's
#: UPDATE returns: one round trip fewer for every report. SQLite has no such CTE: there,
#: `_MIRROR` follows `_APPLY`.
_changed = _APPLY.cte("changed")
_APPLY_AND_MIRROR = select(_changed.c.id).add_cte(
    update(reminders).where(reminders.c.message_id.in_(select(_changed.c.id)))
    .values(_MIRRORED).cte("mirrored"))


def apply_delivery_report(account: ClickatellAccount, report: StatusUpdate) -> bool:
    """Record the report on its text (and the text's reminder), in the caller's transaction
    (the webhook's).

    Returns whether anything changed: False for a report about a text we do not know, a
    repeat, or a status that is not later than the one stored.

    The text is found and changed by one conditional UPDATE (`_APPLY`: "this practice's
    text with this id, only if its stored status is earlier"), which the database evaluates
    on the row as it is now. Two reports of one text applied at once (003 and 004 pushed a
    moment apart) can then never leave a delivered text with the code 003, nor overwrite a
    final status, as a read of the row followed by a write could. On PostgreSQL the
    reminder is updated by the same statement.
    """
    if account.status_callback_at is None:  # the checklist's "callbacks received"
        account.status_callback_at = utcnow()
    info = report.status
    status = STATUS_FOR_STATE[info.state]
    values = {
        "r_practice_id": account.practice_id, "r_api_id": report.api_message_id,
        "r_client_id": report.client_message_id or None, "r_rank": info.rank,
        "r_status": status, "r_code": info.code, "r_detail": info.meaning,
        "r_charge": storable_charge(report),
        "r_delivered_at": report.at if status is MessageStatus.DELIVERED else None,
        "r_reminder_status": REMINDER_STATUS[status], "r_reason": info.meaning[:300],
        "r_now": utcnow()}
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.execute(_APPLY_AND_MIRROR, values).scalar() is not None
    message_id = db.session.execute(_APPLY, values).scalar()
    if message_id is None:
        return False
    db.session.execute(_MIRROR, {**values, "r_message_id": message_id})
    return True
