"""What a text to a patient must satisfy at the moment it leaves: the appointment still
open and not started, the patient's consent, quiet hours.

These checks are registered with the outbox for reminders and waitlist offers
(`init_app`), so the dispatcher applies them as each text leaves, and planning asks the
same `outbox.policy.verdict` when a due reminder is about to become a text: one decision,
one set of reasons, at both stages.
"""

from datetime import datetime

from flask import Flask

from ..models import MessageKind, Patient
from ..models.appointments import OPEN_STATUSES
from ..outbox.policy import Outgoing, Verdict, register_check
from .quiet_hours import allowed_time, is_quiet

NO_CONSENT = "The patient has not agreed to receive text messages."
OPTED_OUT = "The patient replied STOP: no more texts."
QUIET = "Quiet hours: no allowed time to send it before the appointment."
STARTED = "The appointment had already started."
QUIET_WAIT = "Due in quiet hours: moved to when they end."
QUIET_OFFER = "Quiet hours: an offer is not sent at night."


def consent_problem(patient: Patient) -> str | None:
    """Why the patient must not get reminders, or None."""
    if patient.opted_out_at is not None and not patient.sms_consent:
        return OPTED_OUT
    if not patient.sms_consent:
        return NO_CONSENT
    return None


def _consent(outgoing: Outgoing) -> Verdict | None:
    problem = consent_problem(outgoing.patient) if outgoing.patient is not None else None
    return Verdict.cancel(problem) if problem else None


def check_reminder(outgoing: Outgoing, now: datetime) -> Verdict | None:
    """A reminder leaves only for an open appointment still ahead, to a patient who agreed,
    outside quiet hours (inside them it waits for the nearest allowed minute, if any)."""
    appointment, practice = outgoing.appointment, outgoing.practice
    if appointment is not None:
        if appointment.status not in OPEN_STATUSES:
            return Verdict.cancel(f"The appointment is {appointment.status.label.lower()}.")
        if appointment.starts_at <= now:
            return Verdict.cancel(STARTED)
    if found := _consent(outgoing):
        return found
    if appointment is None or not is_quiet(now, practice):
        return None
    at = allowed_time(now, practice=practice, before=appointment.starts_at, not_before=now)
    return Verdict.cancel(QUIET) if at is None else Verdict.wait(at, QUIET_WAIT)


def check_offer(outgoing: Outgoing, now: datetime) -> Verdict | None:
    """An offer cannot wait for the morning: inside quiet hours it is cancelled."""
    if found := _consent(outgoing):
        return found
    return Verdict.cancel(QUIET_OFFER) if is_quiet(now, outgoing.practice) else None


CHECKS = {MessageKind.REMINDER: check_reminder, MessageKind.OFFER: check_offer}
#: Kinds of text that need the patient's consent at the moment they leave (each check
#: above asks for it).
NEEDS_CONSENT = frozenset(CHECKS)


def init_app(app: Flask) -> None:
    for kind, check in CHECKS.items():
        register_check(app, kind, check)
