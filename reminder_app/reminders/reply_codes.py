"""Reply codes: the number that names a visit in replies from a phone with several visits
coming (a family on one mobile, or one patient with two visits this week).

A reminder says "Reply C to confirm" when its visit is the only one coming on that phone,
and "Reply C2 to confirm, R2 to reschedule" when another visit on the same phone starts
before this one's start plus `NEARBY` (so a plain "C" could mean either). A reply "C2"
then names its visit whatever else the phone has; the "which one?" question
(inbound/which_visit.py) numbers its options with the same codes.

A code is the smallest number not held by another open visit ahead on the phone, kept by
its visit for good (a later reminder says the same code), and given again only once the
visit it named is over (past, cancelled, completed). Codes are per practice and per phone:
"C2" from another phone, or to another practice, names nothing.

Nothing here commits; the caller's transaction holds the codes it gives.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Appointment, Patient, ReplyCode
from ..models.appointments import OPEN_STATUSES

#: Another visit on the phone starting within this long after this one's start (or any
#: time before it) makes a plain "C" ambiguous, so the reminder names a code.
NEARBY = timedelta(days=7)
LARGEST_CODE = 99


def visits_on_phone(practice_id: int, mobile: str, now: datetime) -> list[Appointment]:
    """Every open visit still ahead of the practice's patients on this mobile, soonest
    first."""
    return visits_on_phones({(practice_id, mobile)}, now)[(practice_id, mobile)]


def visits_on_phones(phones: set[tuple[int, str]], now: datetime
                     ) -> dict[tuple[int, str], list[Appointment]]:
    """`visits_on_phone` for many (practice id, mobile) pairs in one query (a batch of due
    reminders), keyed by the pair."""
    found: dict[tuple[int, str], list[Appointment]] = {phone: [] for phone in phones}
    if not phones:
        return found
    for appointment, mobile in db.session.execute(
            select(Appointment, Patient.mobile)
            .join(Patient, Appointment.patient_id == Patient.id)
            .where(Appointment.practice_id.in_({practice for practice, _ in phones}),
                   Patient.practice_id == Appointment.practice_id,
                   Patient.mobile.in_({mobile for _, mobile in phones}),
                   Appointment.status.in_(OPEN_STATUSES), Appointment.starts_at > now)
            .order_by(Appointment.starts_at, Appointment.id)):
        if (key := (appointment.practice_id, mobile)) in found:
            found[key].append(appointment)
    return found


def is_live(appointment: Appointment, now: datetime) -> bool:
    """Still a visit a reply can be about: open and not started."""
    return appointment.status in OPEN_STATUSES and appointment.starts_at > now


def code_for_reminder(appointment: Appointment, now: datetime,
                      visits: list[Appointment] | None = None) -> int | None:
    """The code the reminder of `appointment` names, or None when it is the only visit
    coming on its phone (then "Reply C" is unambiguous). `visits`: the phone's
    `visits_on_phone`, when the caller looked them up for a whole batch."""
    mobile = appointment.patient.mobile
    if visits is None:
        visits = visits_on_phone(appointment.practice_id, mobile, now)
    others = [other for other in visits
              if other.id != appointment.id
              and other.starts_at < appointment.starts_at + NEARBY]
    if not others:
        return None
    return code_of(appointment, now)


def code_of(appointment: Appointment, now: datetime) -> int | None:
    """The appointment's code on its patient's phone, given now if it has none (None in the
    unlikely case that the phone already has `LARGEST_CODE` visits coming)."""
    mobile = appointment.patient.mobile
    mine = db.session.scalar(select(ReplyCode).where(
        ReplyCode.appointment_id == appointment.id))
    if mine is not None and mine.mobile == mobile:
        return mine.code
    if mine is not None:  # the patient's mobile changed: the old phone's code means nothing
        db.session.delete(mine)
        db.session.flush()
    rows = db.session.scalars(select(ReplyCode).where(
        ReplyCode.practice_id == appointment.practice_id, ReplyCode.mobile == mobile)).all()
    held = {row.code for row in rows if is_live(row.appointment, now)}
    code = next((n for n in range(1, LARGEST_CODE + 1) if n not in held), None)
    if code is None:
        return None
    retired = next((row for row in rows if row.code == code), None)
    if retired is not None:  # its visit is over: the code names this one from now on
        retired.appointment, retired.assigned_at = appointment, now
    else:
        db.session.add(ReplyCode(practice_id=appointment.practice_id, mobile=mobile,
                                 code=code, appointment_id=appointment.id, assigned_at=now))
    # Flushed at once: the next visit given a code in this transaction (a batch of due
    # reminders, the options of one question) must see this one's.
    db.session.flush()
    return code


def appointment_with_code(practice_id: int, mobile: str, code: int) -> Appointment | None:
    """The visit that `code` names on this phone (whatever its state now), or None."""
    return db.session.scalar(
        select(Appointment).join(ReplyCode, ReplyCode.appointment_id == Appointment.id)
        .where(ReplyCode.practice_id == practice_id, ReplyCode.mobile == mobile,
               ReplyCode.code == code))
