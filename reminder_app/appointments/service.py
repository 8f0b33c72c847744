"""Booking, moving, cancelling and closing appointments.

Each state change is one function that checks, then changes, and never commits: the edge
that called it (a view, the API, the reply handler, the waitlist's job, the CSV import) owns
the transaction (`transactions.unit_of_work`), so what must happen alongside has one place to
go, inside that same transaction: the reminder engine plans,
rewrites or cancels reminders (called directly: it sits below), and the signals of
`signals.py` tell the packages above, such as the waitlist, which offers a cancelled time (or
stops offering a time someone was just booked into). The change is recorded as an `Event`
with its actor. Who acts is an argument (`actor=`, passed by the view, API, reply handler or
waitlist), and so is time (`now=`), so tests can set the clock.
"""

import itertools
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Actor,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    CancelledBy,
    Event,
    EventKind,
    Location,
    Patient,
    Practice,
    Provider,
    StatusChangeRefused,
)
from ..models.types import utcnow
from ..reminders import journey, planning
from ..timezones import on_site_clock
from ..validation import FieldError, check_appointment_day
from .signals import appointment_booked, appointment_cancelled, appointment_moved

MIN_DURATION = 5
MAX_DURATION = 8 * 60
DEFAULT_DURATION = 15
CANCELLED = (AppointmentStatus.CANCELLED_BY_PATIENT, AppointmentStatus.CANCELLED_BY_STAFF)
#: An `edit` argument not given: that detail stays as it is (None clears a type or site).
KEEP = object()

__all__ = ["AppointmentError", "StatusChangeRefused", "book", "cancel",
           "confirm", "double_booked", "edit", "history", "mark_completed", "mark_no_show",
           "move", "overlapping", "overlap_warning", "shares_time"]


class AppointmentError(FieldError):
    """An appointment that cannot be booked or changed as asked; names the field at fault."""


def _check_patient(practice: Practice, patient: Patient) -> Patient:
    if patient is None or patient.practice_id != practice.id:
        raise AppointmentError("patient", "Please choose one of the practice's patients.")
    return patient


def _check_provider(practice: Practice, provider: Provider) -> Provider:
    if provider is None or provider.practice_id != practice.id:
        raise AppointmentError("provider", "Please choose one of the practice's providers.")
    if not provider.active:
        raise AppointmentError("provider", f"{provider.name} no longer takes appointments.")
    return provider


def _check_type(practice: Practice, appointment_type: AppointmentType | None,
                current: AppointmentType | None = None) -> AppointmentType | None:
    """One of the practice's types still offered (or the one the appointment already has)."""
    if appointment_type is None or appointment_type is current:
        return appointment_type
    if appointment_type.practice_id != practice.id:
        raise AppointmentError("appointment_type", "Please choose one of the practice's "
                                                   "appointment types.")
    if not appointment_type.active:
        raise AppointmentError("appointment_type",
                               f"“{appointment_type.name}” is no longer offered.")
    return appointment_type


def _check_location(practice: Practice, location: Location | None,
                    current: Location | None = None) -> Location | None:
    """One of the practice's sites still open (or the one the appointment already has)."""
    if location is None or location is current:
        return location
    if location.practice_id != practice.id:
        raise AppointmentError("location", "Please choose one of the practice's sites.")
    if not location.active:
        raise AppointmentError("location", f"{location.name} no longer takes appointments.")
    return location


def _check_start(starts_at: datetime, now: datetime) -> datetime:
    if starts_at.tzinfo is None:
        raise ValueError("starts_at must be an aware datetime")
    if starts_at < now:
        raise AppointmentError("starts_at", "That time has already passed; appointments can only "
                                        "be booked in the future.")
    try:
        check_appointment_day(starts_at.date(), now.astimezone(UTC).date(),
                              "starts_at")
    except FieldError as error:
        raise AppointmentError(error.field, error.message) from None
    return starts_at


def _check_duration(minutes: int) -> int:
    if not isinstance(minutes, int) or not MIN_DURATION <= minutes <= MAX_DURATION:
        raise AppointmentError("duration_minutes", f"The length must be between {MIN_DURATION} "
                                                   f"minutes and {MAX_DURATION // 60} hours.")
    return minutes


def _check_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise AppointmentError("reason", "The reason is too long (200 characters at most).")
    return reason


def book(practice: Practice, *, patient: Patient, provider: Provider, starts_at: datetime,
         duration_minutes: int | None = None, reason: str = "",
         appointment_type: AppointmentType | None = None, location: Location | None = None,
         actor: Actor, now: datetime | None = None) -> Appointment:
    """Book a future appointment and plan its reminders, in the caller's transaction (a CSV
    import books many in one). Overlaps are allowed (see `overlapping`) but never the past.
    Without a length it lasts its type's default (or `DEFAULT_DURATION`)."""
    now = now or utcnow()
    appointment_type = _check_type(practice, appointment_type)
    if duration_minutes is None:
        duration_minutes = (appointment_type.default_duration_minutes
                            if appointment_type is not None else DEFAULT_DURATION)
    appointment = Appointment(
        practice_id=practice.id, patient=_check_patient(practice, patient),
        provider=_check_provider(practice, provider), starts_at=_check_start(starts_at, now),
        duration_minutes=_check_duration(duration_minutes), reason=_check_reason(reason),
        appointment_type=appointment_type, location=_check_location(practice, location),
        status=AppointmentStatus.BOOKED, created_at=now, updated_at=now,
    )
    db.session.add(appointment)
    Event.record_change(appointment, EventKind.BOOKED, actor, now)
    planning.plan_for(appointment, now)
    journey.on_booked(appointment, actor, now)
    appointment_booked.send(appointment, now=now)
    db.session.flush()  # the caller (a redirect, a JSON answer) needs its id
    return appointment


def _require_open(appointment: Appointment, action: str) -> None:
    if not appointment.status.is_open:
        raise StatusChangeRefused(f"This appointment is {appointment.status.label.lower()}; "
                                  f"it can no longer be {action}.")


def _reschedule(appointment: Appointment, practice: Practice, *, starts_at: datetime,
                provider: Provider, actor: Actor, now: datetime) -> None:
    """A new time or provider: back to booked, for the patient to confirm again. The pending
    reminders are re-planned in the same transaction."""
    _require_open(appointment, "moved")
    _check_provider(practice, provider)
    _check_start(starts_at, now)
    previous_starts_at = appointment.starts_at
    appointment.rebook()
    appointment.starts_at = starts_at
    appointment.provider = provider
    Event.record_change(appointment, EventKind.MOVED, actor, now,
                        previous_starts_at=previous_starts_at)
    planning.replan(appointment, now)
    journey.on_moved(appointment, actor, now)
    appointment_moved.send(appointment, now=now)


def move(appointment: Appointment, practice: Practice, *, starts_at: datetime,
         provider: Provider | None = None, actor: Actor,
         now: datetime | None = None) -> Appointment:
    """Give the appointment a new start (and perhaps another provider)."""
    _reschedule(appointment, practice, starts_at=starts_at,
                provider=provider or appointment.provider, actor=actor, now=now or utcnow())
    return appointment


def edit(appointment: Appointment, practice: Practice, *, starts_at: datetime | None = None,
         provider: Provider | None = None, duration_minutes: int | None = None,
         reason: str | None = None, appointment_type=KEEP, location=KEEP, actor: Actor,
         now: datetime | None = None) -> Appointment:
    """Change what was given; a different start or provider is a move. A new type or site
    changes which reminders apply and the clock they are timed on: they are planned again."""
    now = now or utcnow()
    if duration_minutes is not None:
        duration_minutes = _check_duration(duration_minutes)
    if reason is not None:
        reason = _check_reason(reason)
    if appointment_type is not KEEP:
        appointment_type = _check_type(practice, appointment_type, appointment.appointment_type)
    if location is not KEEP:
        location = _check_location(practice, location, appointment.location)
    new_type = appointment.appointment_type if appointment_type is KEEP else appointment_type
    new_location = appointment.location if location is KEEP else location
    visit_changed = (new_type is not appointment.appointment_type
                     or new_location is not appointment.location)
    if visit_changed:
        _require_open(appointment, "changed")
    appointment.appointment_type, appointment.location = new_type, new_location
    new_start = starts_at if starts_at is not None else appointment.starts_at
    new_provider = provider if provider is not None else appointment.provider
    if new_start != appointment.starts_at or new_provider.id != appointment.provider_id:
        _reschedule(appointment, practice, starts_at=new_start, provider=new_provider,
                    actor=actor, now=now)
    else:
        _require_open(appointment, "changed")
        if visit_changed:
            planning.replan(appointment, now)
    changed = ((duration_minutes is not None and duration_minutes != appointment.duration_minutes)
               or (reason is not None and reason != appointment.reason) or visit_changed)
    if duration_minutes is not None:
        appointment.duration_minutes = duration_minutes
    if reason is not None:
        appointment.reason = reason
    if changed:
        Event.record_change(appointment, EventKind.CHANGED, actor, now)
    return appointment


def cancel(appointment: Appointment, *, by: CancelledBy = CancelledBy.STAFF, actor: Actor,
           now: datetime | None = None) -> Appointment:
    """Cancel, saying who asked (`by`: the patient, even when staff take the call, or the
    practice) and who did it (`actor`); in the same transaction its reminders are cancelled
    and the time it frees is offered to the waitlist."""
    now = now or utcnow()
    appointment.cancel(by)
    Event.record_change(appointment, EventKind.CANCELLED, actor, now)
    planning.cancel_for(appointment, now)
    journey.on_cancelled(appointment, by, actor, now)
    appointment_cancelled.send(appointment, now=now)
    return appointment


def confirm(appointment: Appointment, *, actor: Actor,
            now: datetime | None = None) -> Appointment:
    appointment.confirm()
    Event.record_change(appointment, EventKind.CONFIRMED, actor, now or utcnow())
    return appointment


def _require_started(appointment: Appointment, now: datetime, what: str) -> None:
    if appointment.starts_at > now:
        raise StatusChangeRefused(f"This appointment has not started yet; it cannot be "
                                  f"marked {what}.")


def mark_completed(appointment: Appointment, *, actor: Actor,
                   now: datetime | None = None) -> Appointment:
    now = now or utcnow()
    _require_started(appointment, now, "completed")
    appointment.mark_completed()
    Event.record_change(appointment, EventKind.COMPLETED, actor, now)
    return appointment


def mark_no_show(appointment: Appointment, *, actor: Actor,
                 now: datetime | None = None) -> Appointment:
    now = now or utcnow()
    _require_started(appointment, now, "a no-show")
    appointment.mark_no_show()
    Event.record_change(appointment, EventKind.NO_SHOW, actor, now)
    journey.on_no_show(appointment, now)
    return appointment


def history(appointment: Appointment) -> list[Event]:
    """What happened to the appointment, oldest first: its changes and the readings of the
    replies about it, each with who did it."""
    return list(db.session.scalars(
        select(Event).where(Event.appointment_id == appointment.id)
        .order_by(Event.at, Event.id)))


def shares_time(appointment: Appointment, provider_id: int, starts_at: datetime,
                ends_at: datetime) -> bool:
    """The one overlap rule: the same provider, some minute in common, and not cancelled (a
    cancelled appointment's time is free)."""
    return (appointment.provider_id == provider_id and not appointment.status.is_cancelled
            and appointment.starts_at < ends_at and appointment.ends_at > starts_at)


def overlapping(provider: Provider, starts_at: datetime, duration_minutes: int, *,
                exclude_id: int | None = None,
                among: Iterable[Appointment] | None = None) -> list[Appointment]:
    """The provider's other appointments (not cancelled) that share some of this time: from
    the database, or `among` appointments already loaded (a calendar page)."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    if among is None:
        query = (select(Appointment)
                 .where(Appointment.practice_id == provider.practice_id,
                        Appointment.provider_id == provider.id,
                        Appointment.starts_at < ends_at,
                        Appointment.starts_at > starts_at - timedelta(minutes=MAX_DURATION),
                        Appointment.status.not_in(CANCELLED))
                 .order_by(Appointment.starts_at))
        among = db.session.scalars(query)
    return [other for other in among if other.id != exclude_id
            and shares_time(other, provider.id, starts_at, ends_at)]


def double_booked(appointments: list[Appointment]) -> set[int]:
    """Ids of these appointments that share time with another of them (a calendar's
    "Overlaps" badge, the day view's lanes), each pair judged by `shares_time`. Sorted by
    provider and start, an appointment is only compared with those starting before it ends,
    so a busy day costs little more than the sort."""
    live = sorted((a for a in appointments if not a.status.is_cancelled),
                  key=lambda a: (a.provider_id, a.starts_at))
    clashing: set[int] = set()
    for n, appointment in enumerate(live):
        starts_at, ends_at = appointment.starts_at, appointment.ends_at
        for other in itertools.islice(live, n + 1, None):
            if other.provider_id != appointment.provider_id or other.starts_at >= ends_at:
                break
            if shares_time(other, appointment.provider_id, starts_at, ends_at):
                clashing.update((appointment.id, other.id))
    return clashing


def overlap_warning(appointment: Appointment, zone) -> str | None:
    """A sentence for staff when the provider is double-booked, else None. Overlap is
    judged on instants; each other visit's time is named on its site's clock (`zone`: the
    practice's)."""
    others = overlapping(appointment.provider, appointment.starts_at,
                         appointment.duration_minutes, exclude_id=appointment.id)
    if not others:
        return None
    times = ", ".join(
        f"{on_site_clock(other.starts_at, other.zone(zone), zone)} ({other.patient.full_name})"
        for other in others)
    return (f"{appointment.provider.name} already has an appointment at that time: {times}. "
            "It was booked anyway; please check.")
