"""Every app-wide template filter, global and context processor, registered by `init_app`
(the app factory calls it). Blueprints register none: what every page may use is listed
here, once, instead of as a side effect of whichever blueprint happened to define it.

This module sits at the top: it may import any area, and nothing but the factory imports it.
"""

import enum

from flask import Flask
from flask_login import current_user
from markupsafe import Markup

from .auth.sessions import idle_template_values
from .calendars.feeds import feed_url
from .inbound.conversations import unread_count
from .models import (
    ActorKind,
    AppointmentStatus,
    EventKind,
    MessageKind,
    MessageStatus,
    ReminderStatus,
    SlotStatus,
)
from .models.clickatell_account import sending_blocker
from .onboarding.checklist import is_low_on_credit
from .permissions import can
from .phones import display
from .tenancy import local_time, site_local, site_span, site_time

#: How each status looks, once for every page: a Bootstrap badge class per value. The words
#: are the enums' own `label`s (models/), so a status reads the same everywhere.
BADGES = {
    AppointmentStatus.BOOKED: "text-bg-secondary",
    AppointmentStatus.CONFIRMED: "text-bg-success",
    AppointmentStatus.CANCELLED_BY_PATIENT: "text-bg-danger",
    AppointmentStatus.CANCELLED_BY_STAFF: "text-bg-danger",
    AppointmentStatus.RESCHEDULE_REQUESTED: "text-bg-warning",
    AppointmentStatus.COMPLETED: "text-bg-primary",
    AppointmentStatus.NO_SHOW: "text-bg-dark",
    ReminderStatus.PENDING: "text-bg-light border",
    ReminderStatus.QUEUED: "text-bg-info",
    ReminderStatus.SENT: "text-bg-primary",
    ReminderStatus.DELIVERED: "text-bg-success",
    ReminderStatus.FAILED: "text-bg-danger",
    ReminderStatus.SKIPPED: "text-bg-secondary",
    ReminderStatus.CANCELLED: "text-bg-dark",
    MessageStatus.QUEUED: "text-bg-light border",
    MessageStatus.SENDING: "text-bg-info",
    MessageStatus.SENT: "text-bg-primary",
    MessageStatus.DELIVERED: "text-bg-success",
    MessageStatus.FAILED: "text-bg-danger",
    MessageStatus.CANCELLED: "text-bg-secondary",
    MessageStatus.RECEIVED: "text-bg-light border",
    SlotStatus.OFFERING: "text-bg-info",
    SlotStatus.FILLED: "text-bg-success",
    SlotStatus.UNFILLED: "text-bg-light border",
    SlotStatus.STOPPED: "text-bg-light border",
    SlotStatus.NOT_OFFERED: "text-bg-light border",
}

#: The day view's compact marks, one character per status (the words are in the detail).
MARKS = {
    AppointmentStatus.BOOKED: "○",
    AppointmentStatus.CONFIRMED: "✔",
    AppointmentStatus.CANCELLED_BY_PATIENT: "✕",
    AppointmentStatus.CANCELLED_BY_STAFF: "✕",
    AppointmentStatus.RESCHEDULE_REQUESTED: "↻",
    AppointmentStatus.COMPLETED: "●",
    AppointmentStatus.NO_SHOW: "∅",
    ReminderStatus.PENDING: "◷",
    ReminderStatus.QUEUED: "◷",
    ReminderStatus.SENT: "→",
    ReminderStatus.DELIVERED: "✓",
    ReminderStatus.FAILED: "!",
    ReminderStatus.SKIPPED: "–",
    ReminderStatus.CANCELLED: "–",
}


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time, "local")
    app.add_template_filter(site_time, "site_time")
    app.add_template_filter(site_span, "site_span")
    app.add_template_filter(site_local, "site_local")
    app.add_template_filter(display, "mobile")
    app.add_template_global(badge)
    app.add_template_global(badge_class)
    app.add_template_global(status_mark)
    app.add_template_global(feed_url, "calendar_feed_url")
    app.add_template_global(can)
    app.context_processor(appointment_names)
    app.context_processor(conversation_globals)
    app.context_processor(practice_alerts)
    app.context_processor(idle_template_values)


def badge_class(status: enum.Enum) -> str:
    return BADGES[status]


def badge(status: enum.Enum, extra: str = "") -> Markup:
    """`<span class="badge …">Label</span>` for any status with a label and a badge class."""
    classes = " ".join(filter(None, ("badge", BADGES[status], extra)))
    return Markup('<span class="{}">{}</span>').format(classes, status.label)


def status_mark(status: enum.Enum) -> str:
    return MARKS[status]


def appointment_names() -> dict:
    """The enums templates compare with (never a status's string value)."""
    return {"AppointmentStatus": AppointmentStatus, "MessageKind": MessageKind,
            "ReminderStatus": ReminderStatus, "EventKind": EventKind, "ActorKind": ActorKind}


def conversation_globals() -> dict:
    def unread_replies() -> int:
        """Asked by the navigation only: one COUNT per page."""
        if not current_user.is_authenticated:
            return 0
        return unread_count(current_user.practice)

    return {"unread_replies": unread_replies}


def practice_alerts():
    """Banners every staff page shows: reminders on hold, credit running low."""
    if not current_user.is_authenticated:
        return {"practice_alerts": []}
    account = current_user.practice.clickatell_account
    alerts = []
    blocker = sending_blocker(account) if account is not None else None
    if blocker:
        alerts.append(("warning", blocker.reason))
    elif is_low_on_credit(account):
        alerts.append(("warning", f"Credit is running low ({account.balance:.0f} left). "
                                  "Buy credits to keep reminders going."))
    return {"practice_alerts": alerts}
