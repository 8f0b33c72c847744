"""Adding, changing and finding patients. Views, CSV import and the API all come here."""

import re
from datetime import date, datetime
from zoneinfo import available_timezones

from sqlalchemy import Select, func, or_, select

from .. import phones
from ..extensions import db
from ..models import Actor, ConsentMethod, Language, Patient, Practice, WaitlistEntry
from ..models.events import SYSTEM
from ..models.types import utcnow
from ..reminders import consent, planning
from ..validation import FieldError, check_birth_date


def parse_mobile(text: str | None, country: str, *, field: str = "mobile") -> str:
    """A mobile number as typed (national or international form) into E.164.

    The practice's country is the default region, so a US practice may type (201) 555-0123.
    """
    try:
        return phones.to_e164(text, country, mobile=True)
    except phones.InvalidPhoneNumber as error:
        raise FieldError(field, str(error)) from error


display_mobile = phones.display


def _name(value: str | None, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise FieldError(field, f"Please enter the patient's {label}.")
    if len(value) > 80:
        raise FieldError(field, f"The {label} is too long (80 characters at most).")
    return value


def _date_of_birth(value: date | None, now: datetime) -> date | None:
    return check_birth_date(value, now.date())


def _timezone(value: str | None) -> str | None:
    """An IANA zone name, or None for "the practice's"."""
    value = (value or "").strip()
    if not value:
        return None
    if value not in available_timezones():
        raise FieldError("timezone", "Choose a time zone from the list (e.g. America/Chicago).")
    return value


def create_patient(practice: Practice, *, first_name: str, last_name: str, mobile: str,
                   date_of_birth: date | None = None, language: Language = Language.EN,
                   sms_consent: bool = False, notes: str = "", timezone: str | None = None,
                   consent_method: ConsentMethod = ConsentMethod.STAFF_PHONE,
                   actor: Actor = SYSTEM, now: datetime | None = None) -> Patient:
    """Add a patient; raises FieldError naming the field at fault. Consent is recorded
    with how it was given (`consent_method`) and by whom (`actor`)."""
    now = now or utcnow()
    patient = Patient(
        practice_id=practice.id,
        first_name=_name(first_name, "first_name", "first name"),
        last_name=_name(last_name, "last_name", "last name"),
        mobile=parse_mobile(mobile, practice.country),
        date_of_birth=_date_of_birth(date_of_birth, now),
        language=Language(language), notes=(notes or "").strip(), created_at=now,
        timezone=_timezone(timezone),
    )
    db.session.add(patient)
    db.session.flush()  # the caller (a redirect, a JSON answer) needs its id
    if sms_consent:
        consent.give(patient, practice,
                     consent.evidence_from_staff(practice, patient, consent_method, actor), now)
    return patient


UNSET = object()


def update_patient(patient: Patient, practice: Practice, *, now: datetime | None = None,
                   first_name=UNSET, last_name=UNSET, mobile=UNSET, date_of_birth=UNSET,
                   language=UNSET, sms_consent=UNSET, notes=UNSET, timezone=UNSET,
                   consent_method: ConsentMethod = ConsentMethod.STAFF_PHONE,
                   actor: Actor = SYSTEM) -> Patient:
    """Change the fields given (others stay); consent changes are dated opt-ins or opt-outs,
    recorded with how they came about (`consent_method`) and by whom (`actor`)."""
    now = now or utcnow()
    changes = {}
    if first_name is not UNSET:
        changes["first_name"] = _name(first_name, "first_name", "first name")
    if last_name is not UNSET:
        changes["last_name"] = _name(last_name, "last_name", "last name")
    if mobile is not UNSET:
        changes["mobile"] = parse_mobile(mobile, practice.country)
    if date_of_birth is not UNSET:
        changes["date_of_birth"] = _date_of_birth(date_of_birth, now)
    if language is not UNSET:
        changes["language"] = Language(language)
    if notes is not UNSET:
        changes["notes"] = (notes or "").strip()
    moved_zone = timezone is not UNSET and _timezone(timezone) != patient.timezone
    if timezone is not UNSET:
        changes["timezone"] = _timezone(timezone)
    for name, value in changes.items():
        setattr(patient, name, value)
    if moved_zone:  # quiet hours are on the patient's clock
        planning.replan_for_patient(patient, now)
    if sms_consent is not UNSET and bool(sms_consent) != patient.sms_consent:
        evidence = consent.evidence_from_staff(practice, patient, consent_method, actor)
        if sms_consent:
            consent.give(patient, practice, evidence, now)
        else:
            consent.withdraw(patient, evidence, now)
    return patient


def same_mobile(patient: Patient) -> list[Patient]:
    """Other patients of the practice with this patient's mobile: perhaps a duplicate, perhaps
    a family sharing a phone. Staff are warned, never stopped."""
    return list(db.session.scalars(
        select(Patient).where(Patient.practice_id == patient.practice_id,
                              Patient.mobile == patient.mobile, Patient.id != patient.id)
        .order_by(Patient.last_name, Patient.first_name)))


def duplicate_warning(patient: Patient) -> str | None:
    others = same_mobile(patient)
    if not others:
        return None
    names = ", ".join(other.full_name for other in others)
    return f"{names} already {'has' if len(others) == 1 else 'have'} this mobile number " \
           f"({display_mobile(patient.mobile)}). A family may share one mobile; if that " \
           "is the same person, please keep one record only."


#: The longest search text a person types (the list's box and the picker's).
MAX_SEARCH_LENGTH = 80
#: How a date of birth may be typed: ISO everywhere; with slashes, month first in the US.
_SLASHED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def typed_birth_date(word: str, country: str = "US") -> date | None:
    """A date of birth as a person types it (1980-03-14, or 03/14/1980 in the US and
    14/03/1980 elsewhere); None when the word is not a date."""
    try:
        if slashed := _SLASHED_DATE.fullmatch(word):
            first, second, year = map(int, slashed.groups())
            month, day = (first, second) if country == "US" else (second, first)
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
            return date.fromisoformat(word)
    except ValueError:
        return None
    return None


def search(query: Select, text: str | None, country: str = "US") -> Select:
    """Narrow a patient query to names, dates of birth or numbers matching what was typed.

    Every word must start a first or last name ("ana ro" finds Ana Rodríguez), or be the
    date of birth ("ana 03/14/1980"); three or more digits match anywhere in the mobile,
    whatever the spaces or brackets typed.
    """
    text = (text or "").strip()
    if not text:
        return query
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3 and not re.search(r"[^\d\s()+.\-]", text) \
            and typed_birth_date(text, country) is None:
        return query.where(Patient.mobile.contains(digits, autoescape=True))
    for word in text.split():
        if (born := typed_birth_date(word, country)) is not None:
            query = query.where(Patient.date_of_birth == born)
            continue
        pattern = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(or_(func.lower(Patient.first_name).like(f"{pattern}%", escape="\\"),
                                func.lower(Patient.last_name).like(f"{pattern}%", escape="\\")))
    return query


def active_entry(patient: Patient) -> WaitlistEntry | None:
    """The patient's place on the waitlist, if they have one. Here, below the waitlist, so the
    patient's page can show it; the waitlist (waitlist/service.py) writes the entries."""
    return db.session.scalar(select(WaitlistEntry).where(
        WaitlistEntry.patient_id == patient.id, WaitlistEntry.removed_at.is_(None)))
