"""What the business is made of. Each area of the product keeps its models in a module here;
importing this package registers them all with SQLAlchemy (and so with Alembic)."""

from .api_tokens import ApiToken
from .appointments import Appointment, AppointmentStatus, CancelledBy, StatusChangeRefused
from .clickatell_account import ClickatellAccount, PendingRegistration
from .events import Actor, ActorKind, AppendOnly, Event, EventKind
from .keywords import PracticeKeyword
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
from .reminders import Reminder, ReminderRule, ReminderStatus, ReminderTemplate
from .staff import LoginAttempt, Role, StaffUser
from .waitlist import FreedSlot, Offer, OfferStatus, Priority, SlotStatus, WaitlistEntry

__all__ = [
    "Actor", "ActorKind", "ApiToken", "AppendOnly", "Appointment", "Event", "EventKind",
    "FreedSlot", "Offer", "OfferStatus", "Priority", "SlotStatus",
    "WaitlistEntry", "AppointmentStatus", "CallbackKind", "CallbackRecord",
    "CancelledBy", "ClickatellAccount", "Direction", "Language", "LoginAttempt", "Message",
    "MessageKind", "MessageStatus", "Patient", "PendingRegistration", "Practice",
    "PracticeKeyword", "Provider", "Reminder", "ReminderRule", "ReminderStatus",
    "ReminderTemplate", "Role", "SendSlot", "StaffUser", "StatusChangeRefused",
]
