"""What the business is made of. Each area of the product keeps its models in a module here;
importing this package registers them all with SQLAlchemy (and so with Alembic)."""

from sqlalchemy import Integer

from ..extensions import db
from .answer_allowances import AnswerAllowance
from .api_tokens import ApiToken
from .appointments import Appointment, AppointmentStatus, CancelledBy, StatusChangeRefused
from .audit import AuditEntry
from .clickatell_account import ClickatellAccount, Generation, PendingRegistration
from .consent import ConsentMethod, ConsentRecord, Evidence
from .events import Actor, ActorKind, AppendOnly, Event, EventKind
from .families import QuestionOption, QuestionStatus, ReplyCode, ReplyQuestion
from .keywords import Intent, PracticeKeyword
from .messages import (
    CallbackKind,
    CallbackRecord,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
)
from .outbox import SendSlot
from .patients import Language, Patient, Provider
from .practice import Practice
from .recalls import Recall, RecallNotice, RecallStatus
from .reminders import Reminder, ReminderRule, ReminderStatus, ReminderTemplate
from .staff import LoginAttempt, RecoveryCode, Role, StaffSession, StaffUser
from .visits import AppointmentType, Location, site_zone
from .waitlist import FreedSlot, Offer, OfferStatus, Priority, SlotStatus, WaitlistEntry
from .worker import WorkerHeartbeat

__all__ = [
    "Actor", "ActorKind", "AnswerAllowance", "ApiToken", "AuditEntry", "AppendOnly",
    "Appointment", "Event",
    "EventKind", "Intent",
    "FreedSlot", "Offer", "OfferStatus", "Priority", "SlotStatus",
    "WaitlistEntry", "AppointmentStatus", "CallbackKind", "CallbackRecord",
    "CancelledBy", "ClickatellAccount", "ConsentMethod", "ConsentRecord", "Evidence",
    "Direction", "Generation", "Language", "LoginAttempt", "Message",
    "MessageKind", "MessageStatus", "Patient", "PendingRegistration", "Practice",
    "PracticeKeyword", "Provider", "RecoveryCode", "Reminder", "ReminderRule", "ReminderStatus",
    "ReminderTemplate", "Role", "SendSlot", "StaffSession", "StaffUser", "StatusChangeRefused",
    "WorkerHeartbeat",
    "AppointmentType", "Location", "site_zone",
    "Recall", "RecallNotice", "RecallStatus",
    "QuestionOption", "QuestionStatus", "ReplyCode", "ReplyQuestion",
]


def never_reuse_ids(metadata) -> None:
    """SQLite hands a deleted row's id to the next row unless the table says AUTOINCREMENT;
    a removed staff member's id given to a new one is how an old link or cookie could name
    someone else. PostgreSQL's identity columns never reuse ids."""
    for table in metadata.tables.values():
        key = list(table.primary_key.columns)
        if len(key) == 1 and key[0].type._type_affinity is Integer:
            table.dialect_kwargs["sqlite_autoincrement"] = True


never_reuse_ids(db.metadata)
