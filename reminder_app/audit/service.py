"""Reading the trail back, and the exports an owner takes, as CSV that a spreadsheet cannot
be tricked by.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (OWASP "CSV injection"): a patient who texts `=HYPERLINK(...)`
must not become a link in the owner's spreadsheet. Such cells are written with a leading `'`,
which the spreadsheets show as plain text.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    Appointment,
    AuditEntry,
    Direction,
    Event,
    EventKind,
    Intent,
    LoginAttempt,
    Message,
    Patient,
    Practice,
    Reminder,
    ReminderStatus,
    StaffUser,
)

#: Readings of a patient's text that change their consent to texts (STOP, START).
CONSENT_INTENTS = (Intent.OPT_OUT, Intent.OPT_IN)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: list[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


@dataclass(frozen=True)
class TrailLine:
    at: datetime
    kind: str  # "change", "appointment", "sign-in"
    who: str
    what: str
    target: str
    address: str


def trail(practice: Practice, *, since: datetime, until: datetime, person: str = "",
          kind: str = "", limit: int = 500) -> list[TrailLine]:
    """Newest first: changes made in the app, appointment events and sign-ins (the attempts
    for this practice's staff e-mail addresses)."""
    lines: list[TrailLine] = []
    if kind in ("", "change"):
        for entry in db.session.scalars(select(AuditEntry).where(
                AuditEntry.practice_id == practice.id, AuditEntry.at >= since,
                AuditEntry.at < until).order_by(AuditEntry.at.desc()).limit(limit)):
            who = entry.actor_label + (" (API token)" if entry.actor_kind == "api_token" else "")
            lines.append(TrailLine(entry.at, "change", who, entry.action, entry.target,
                                   entry.address))
    if kind in ("", "appointment"):
        for event in db.session.scalars(select(Event).where(
                Event.practice_id == practice.id, Event.kind != EventKind.REPLY_READ,
                Event.at >= since, Event.at < until).order_by(Event.at.desc()).limit(limit)):
            lines.append(TrailLine(event.at, "appointment", event.actor.describe(),
                                   event.kind.label,
                                   f"appointment {event.appointment_id}", ""))
    if kind in ("", "consent"):
        for event, patient_id in db.session.execute(
                select(Event, Message.patient_id).join(Message, Message.id == Event.message_id)
                .where(Event.practice_id == practice.id, Event.kind == EventKind.REPLY_READ,
                       Event.intent.in_(CONSENT_INTENTS), Message.patient_id.is_not(None),
                       Event.at >= since, Event.at < until)
                .order_by(Event.at.desc()).limit(limit)):
            lines.append(TrailLine(event.at, "consent", event.actor.describe(),
                                   event.intent.label, f"patient {patient_id}", ""))
    if kind in ("", "sign-in"):
        emails = select(StaffUser.email).where(StaffUser.practice_id == practice.id)
        for attempt in db.session.scalars(select(LoginAttempt).where(
                LoginAttempt.email.in_(emails), LoginAttempt.at >= since,
                LoginAttempt.at < until).order_by(LoginAttempt.at.desc()).limit(limit)):
            lines.append(TrailLine(attempt.at, "sign-in", attempt.email,
                                   "Signed in" if attempt.succeeded else "Failed sign-in",
                                   "", attempt.address))
    if person:
        lines = [line for line in lines if person.lower() in line.who.lower()]
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:limit]


def trail_csv(lines: list[TrailLine], zone) -> str:
    return csv_text(["when", "kind", "who", "what", "records", "from"],
                    ([line.at.astimezone(zone).isoformat(timespec="seconds"), line.kind,
                      line.who, line.what, line.target, line.address] for line in lines))


# ---------------------------------------------------------------- exports

EXPORTS = {
    "appointments": "Appointments, with their reminders and replies",
    "messages": "Every text sent and received",
    "consents": "Patients' consent to texts",
    "audit": "The audit trail",
}


def _appointments(practice: Practice, zone) -> Iterator[list]:
    sent = dict(db.session.execute(select(Reminder.appointment_id, func.count()).join(
        Appointment, Appointment.id == Reminder.appointment_id).where(
        Appointment.practice_id == practice.id,
        Reminder.status.in_([ReminderStatus.SENT, ReminderStatus.DELIVERED]))
        .group_by(Reminder.appointment_id)).all())
    for appointment in db.session.scalars(select(Appointment).options(
            joinedload(Appointment.patient), joinedload(Appointment.provider)).where(
            Appointment.practice_id == practice.id).order_by(Appointment.starts_at)):
        yield [appointment.starts_at.astimezone(zone).isoformat(timespec="minutes"),
               appointment.patient.full_name, appointment.provider.name,
               appointment.duration_minutes, appointment.reason, appointment.status.value,
               sent.get(appointment.id, 0), appointment.last_reply_text or "",
               appointment.last_reply_at.astimezone(zone).isoformat(timespec="minutes")
               if appointment.last_reply_at else ""]


def _messages(practice: Practice, zone) -> Iterator[list]:
    for message in db.session.scalars(select(Message).options(joinedload(Message.patient))
                                      .where(Message.practice_id == practice.id)
                                      .order_by(Message.created_at)):
        yield [message.created_at.astimezone(zone).isoformat(timespec="seconds"),
               message.direction.value, message.kind.value, message.status.value,
               message.patient.full_name if message.patient else "",
               message.sender if message.direction is Direction.INBOUND else message.recipient,
               message.body]


def _consents(practice: Practice, zone) -> Iterator[list]:
    def when(moment):
        return moment.astimezone(zone).isoformat(timespec="minutes") if moment else ""

    for patient in db.session.scalars(select(Patient).where(
            Patient.practice_id == practice.id).order_by(Patient.last_name, Patient.first_name)):
        yield [patient.full_name, patient.mobile, "yes" if patient.sms_consent else "no",
               when(patient.consented_at), when(patient.opted_out_at)]


EXPORT_COLUMNS = {
    "appointments": ["starts", "patient", "provider", "minutes", "reason", "status",
                     "reminders sent", "last reply", "last reply at"],
    "messages": ["when", "direction", "kind", "status", "patient", "number", "text"],
    "consents": ["patient", "mobile", "consents", "consented at", "opted out at"],
}


@dataclass(frozen=True)
class TrailFilter:
    """What part of the trail the owner looks at (or exports): instants, kind, person."""

    since: datetime
    until: datetime
    kind: str = ""
    person: str = ""


def export_csv(practice: Practice, what: str, now: datetime,
               trail_filter: TrailFilter | None = None) -> str:
    """The CSV of `what`; the audit trail as `trail_filter` selects it (else all of it)."""
    zone = practice.zone
    if what == "audit":
        chosen = trail_filter or TrailFilter(since=datetime(2000, 1, 1, tzinfo=now.tzinfo),
                                             until=now)
        return trail_csv(trail(practice, since=chosen.since, until=chosen.until,
                               kind=chosen.kind, person=chosen.person, limit=100_000), zone)
    rows = {"appointments": _appointments, "messages": _messages,
            "consents": _consents}[what](practice, zone)
    return csv_text(EXPORT_COLUMNS[what], rows)
