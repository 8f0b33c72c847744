"""Appointments as iCalendar (RFC 5545): a provider's feed and one appointment's file.

Both are built from one `event_for`, so an appointment looks the same, and has the same UID,
wherever a calendar program met it: moving it updates the event in place, and cancelling it
marks that event cancelled. Only the patient's name differs: the feed is fetched by
third-party calendar servers, so it names the patient by first name and last initial; the
file downloaded by signed-in staff names them in full (docs/decisions.md).
"""

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from icalendar import Calendar, Event, vDuration
from icalendar.enums import STATUS
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..gateways import public_url
from ..models import Appointment, AppointmentStatus, Patient, Practice, Provider

PRODID = "-//reminder-app//Appointment calendars//EN"
#: A feed holds the appointments that start in [now - FEED_PAST, now + FEED_AHEAD).
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=366)
#: How often calendar programs are asked to fetch a feed again.
FEED_REFRESH = timedelta(minutes=15)
#: What `Provider.new_calendar_link` makes (token_urlsafe) in at most the column's length.
#: Anything else names no feed, and is answered without asking the database.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,64}")

EVENT_STATUS = {
    AppointmentStatus.BOOKED: STATUS.TENTATIVE,
    AppointmentStatus.RESCHEDULE_REQUESTED: STATUS.TENTATIVE,
    AppointmentStatus.CONFIRMED: STATUS.CONFIRMED,
    AppointmentStatus.COMPLETED: STATUS.CONFIRMED,
    AppointmentStatus.NO_SHOW: STATUS.CONFIRMED,
    AppointmentStatus.CANCELLED_BY_PATIENT: STATUS.CANCELLED,
    AppointmentStatus.CANCELLED_BY_STAFF: STATUS.CANCELLED,
}


def provider_for_token(token: str) -> Provider | None:
    """The provider whose feed lives at this token, or None (unknown, revoked, malformed)."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    return db.session.scalar(select(Provider).where(Provider.calendar_token == token))


def feed_url(provider: Provider) -> str | None:
    """The address staff subscribe to, or None while the provider has no feed."""
    if provider.calendar_token is None:
        return None
    return public_url(url_for("calendars.feed", token=provider.calendar_token))


def calendar_for_provider(provider: Provider, now: datetime) -> bytes:
    """The provider's feed: every appointment of the window, cancelled ones included (marked
    cancelled, so calendars that had them drop or strike them)."""
    practice = db.session.get(Practice, provider.practice_id)
    appointments = db.session.scalars(
        select(Appointment).options(joinedload(Appointment.patient)).where(
            Appointment.practice_id == provider.practice_id,
            Appointment.provider_id == provider.id,
            Appointment.starts_at >= now - FEED_PAST,
            Appointment.starts_at < now + FEED_AHEAD,
        ).order_by(Appointment.starts_at, Appointment.id))
    calendar = _calendar([event_for(a, practice, now=now, full_name=False) for a in appointments],
                         first=(now - FEED_PAST).date(), last=(now + FEED_AHEAD).date())
    calendar.uid = f"provider-{provider.id}@{uid_host()}"
    calendar.calendar_name = f"{provider.name} – {practice.name}"
    calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    return calendar.to_ical()


def calendar_for_appointment(appointment: Appointment, now: datetime) -> bytes:
    """One appointment as a file to open in a calendar program. It has no calendar name: with
    one, some programs (Outlook) make a new calendar of it instead of adding the event."""
    practice = db.session.get(Practice, appointment.practice_id)
    calendar = _calendar([event_for(appointment, practice, now=now, full_name=True)],
                         first=appointment.starts_at.date(), last=appointment.ends_at.date())
    del calendar.uid
    return calendar.to_ical()


def event_for(appointment: Appointment, practice: Practice, *, now: datetime,
              full_name: bool) -> Event:
    """The appointment as a VEVENT on the practice's clock. Its UID never changes; its
    SEQUENCE grows whenever the appointment is changed, so calendars take the new version."""
    patient = appointment.patient
    name = patient.full_name if full_name else short_name(patient)
    details = [f"Status: {appointment.status.label}"]
    if appointment.reason:
        details.append(f"Reason: {appointment.reason}")
    details.append(f"With: {appointment.provider.name}")
    return Event.new(
        uid=f"appointment-{appointment.id}@{uid_host()}",
        stamp=now.astimezone(UTC),
        start=appointment.starts_at.astimezone(practice.zone),
        end=appointment.ends_at.astimezone(practice.zone),
        sequence=sequence(appointment),
        last_modified=appointment.updated_at,
        status=EVENT_STATUS[appointment.status],
        summary=" – ".join(filter(None, [name, appointment.reason])),
        description="\n".join(details),
        location=practice.address or None,
    )


def short_name(patient: Patient) -> str:
    """First name and last initial ("Jane S."): enough for the provider to know whom they
    see, and no more."""
    initial = patient.last_name.strip()[:1]
    return f"{patient.first_name.strip()} {initial}." if initial else patient.first_name.strip()


def sequence(appointment: Appointment) -> int:
    """Whole seconds from the booking to the last change: 0 until the appointment is first
    changed, then larger after every change made in a later second (RFC 5545 asks for a
    number that grows; this one fits its 32-bit integer for 68 years)."""
    return max(0, int((appointment.updated_at - appointment.created_at).total_seconds()))


def uid_host() -> str:
    """The right-hand side of UIDs: this app's public host name."""
    return urlsplit(current_app.config.get("PUBLIC_BASE_URL", "")).hostname or "reminder-app"


def _calendar(events: list[Event], *, first: date, last: date) -> Calendar:
    """A calendar of `events`, with their time zone described from `first` to `last` (UTC
    dates; a day more each side covers any local date of the same instants)."""
    calendar = Calendar.new(prodid=PRODID, calscale="GREGORIAN", method="PUBLISH",
                            subcomponents=events)
    calendar.add_missing_timezones(first_date=first - timedelta(days=1),
                                   last_date=last + timedelta(days=1))
    return calendar
