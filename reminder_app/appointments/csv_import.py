"""Appointments from a CSV file: read it, preview every row with its errors, then import the
valid rows in one transaction (or nothing, if the person prefers to fix the file first).

Columns (a header row is required, in any order, case and spacing free):
``patient name, mobile, start, provider`` and optionally ``reason``, ``duration``
(minutes), ``type`` (an appointment type's name: its usual length when ``duration`` is empty)
and ``site`` (a site's name). ``start`` is ``YYYY-MM-DD HH:MM`` (24-hour, or with AM/PM) on
the practice's clock.
A patient is matched on mobile number and name; anyone else becomes a new patient.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Actor,
    Appointment,
    AppointmentType,
    ConsentMethod,
    Location,
    Patient,
    Practice,
    Provider,
    site_zone,
)
from ..models.types import utcnow
from ..patients.service import parse_mobile
from ..reminders import consent as consents
from ..timezones import NonexistentLocalTime, to_utc
from ..validation import FieldError
from . import service, visits

MAX_BYTES = 1_000_000
MAX_ROWS = 2000
REQUIRED = ("patient_name", "mobile", "start", "provider")
OPTIONAL = ("reason", "duration", "type", "site")
ALIASES = {"name": "patient_name", "patient": "patient_name", "mobile_number": "mobile",
           "phone": "mobile", "cell": "mobile", "start_time": "start", "starts_at": "start",
           "doctor": "provider", "duration_minutes": "duration", "appointment_type": "type",
           "visit_type": "type", "location": "site"}
START_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %I:%M %p",
                 "%Y-%m-%d %I:%M%p")


class CsvError(Exception):
    """The file as a whole cannot be read; the message is for the person."""


@dataclass
class Row:
    """One line of the file, checked."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    first_name: str = ""
    last_name: str = ""
    mobile: str = ""
    starts_at: datetime | None = None
    provider: Provider | None = None
    reason: str = ""
    duration_minutes: int = service.DEFAULT_DURATION
    appointment_type: AppointmentType | None = None
    location: Location | None = None
    patient: Patient | None = None  # an existing patient, or None for a new one

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def patient_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def patient_key(self) -> tuple[str, str]:
        return self.mobile, self.patient_name.casefold()


@dataclass
class Preview:
    rows: list[Row]

    @property
    def valid(self) -> list[Row]:
        return [row for row in self.rows if row.ok]

    @property
    def invalid(self) -> list[Row]:
        return [row for row in self.rows if not row.ok]

    @property
    def valid_lines(self) -> list[int]:
        return [row.line for row in self.valid]


@dataclass
class ImportResult:
    imported: list[tuple[int, Appointment]]
    new_patients: list[Patient]
    skipped: list[Row]


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252 as Excel writes it."""
    if len(data) > MAX_BYTES:
        raise CsvError(f"The file is too large; please split it into files under "
                       f"{MAX_BYTES // 1_000_000} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise CsvError("The file is not readable text; please save it as CSV (UTF-8)."
                           ) from error


def _column(header: str) -> str:
    name = re.sub(r"[\s\-]+", "_", header.strip().lower())
    return ALIASES.get(name, name)


def parse(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, values by column) for each non-empty row after the header."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvError("The file is empty.") from None
    columns = [_column(name) for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise CsvError("The first row must name the columns; missing: "
                       + ", ".join(name.replace("_", " ") for name in missing) + ".")
    rows = []
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if len(rows) == MAX_ROWS:
            raise CsvError(f"The file has more than {MAX_ROWS} rows; please split it.")
        padded = values + [""] * (len(columns) - len(values))
        rows.append((reader.line_num, {name: value.strip() for name, value
                                       in zip(columns, padded, strict=False)
                                       if name in REQUIRED + OPTIONAL}))
    if not rows:
        raise CsvError("The file has a header but no appointments.")
    return rows


def split_name(name: str) -> tuple[str, str]:
    """'Ana Reyes' or 'Reyes, Ana' into first and last name."""
    if "," in name:
        last, first = (part.strip() for part in name.split(",", 1))
    else:
        first, _, last = name.strip().rpartition(" ")
    if not first or not last:
        raise FieldError("patient_name", "Please give the patient's first and last name.")
    return " ".join(first.split()), " ".join(last.split())


def parse_start(text: str, zone) -> datetime:
    for pattern in START_FORMATS:
        try:
            wall = datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
        try:
            return to_utc(wall.date(), wall.time(), zone)
        except NonexistentLocalTime as error:
            raise FieldError("start", str(error)) from error
    raise FieldError("start", f"“{text}” is not a date and time like 2026-03-09 14:30.")


def _check_row(row: Row, practice: Practice, providers: dict[str, Provider],
               now: datetime, types: dict[str, AppointmentType] | None = None,
               sites: dict[str, Location] | None = None) -> None:
    def attempt(step):
        try:
            step()
        except FieldError as error:
            row.errors.append(error.message)

    values = row.values

    def name():
        row.first_name, row.last_name = split_name(values.get("patient_name", ""))

    def mobile():
        row.mobile = parse_mobile(values.get("mobile"), practice.country)

    def start():
        row.starts_at = parse_start(values.get("start", ""),  # on the row's site's clock
                                    site_zone(row.location, practice.zone))
        if row.starts_at < now:
            raise FieldError("start", "This time has already passed.")

    def provider():
        wanted = values.get("provider", "")
        row.provider = providers.get(wanted.casefold())
        if row.provider is None:
            raise FieldError("provider", f"No provider is called “{wanted}”; add them under "
                                         "Providers first, or correct the name.")
        if not row.provider.active:
            raise FieldError("provider", f"{row.provider.name} no longer takes appointments.")

    def reason():
        row.reason = values.get("reason", "")
        if len(row.reason) > 200:
            raise FieldError("reason", "The reason is too long (200 characters at most).")

    def appointment_type():
        wanted = values.get("type", "")
        if not wanted:
            return
        row.appointment_type = (types or {}).get(wanted.casefold())
        if row.appointment_type is None or not row.appointment_type.active:
            raise FieldError("type", f"No appointment type “{wanted}” is offered; add it under "
                                     "Settings, Appointment types, or correct the name.")
        row.duration_minutes = row.appointment_type.default_duration_minutes

    def site():
        wanted = values.get("site", "")
        if not wanted:
            return
        row.location = (sites or {}).get(wanted.casefold())
        if row.location is None or not row.location.active:
            raise FieldError("site", f"No site is called “{wanted}”; add it under Settings, "
                                     "Sites, or correct the name.")

    def duration():
        text = values.get("duration", "")
        if text:
            if not text.isdigit() or not (service.MIN_DURATION <= int(text)
                                           <= service.MAX_DURATION):
                raise FieldError("duration", f"The length must be a number of minutes "
                                             f"between {service.MIN_DURATION} and "
                                             f"{service.MAX_DURATION}.")
            row.duration_minutes = int(text)

    for step in (name, mobile, site, start, provider, reason, appointment_type, duration):
        attempt(step)


def preview(practice: Practice, text: str, *, now: datetime | None = None) -> Preview:
    """Every row of the file, checked against the practice as it is now. Nothing is saved."""
    now = now or utcnow()
    providers = {provider.name.casefold(): provider for provider in db.session.scalars(
        select(Provider).where(Provider.practice_id == practice.id))}
    types = {kind.name.casefold(): kind for kind in visits.types_of(practice)}
    sites = {site.name.casefold(): site for site in visits.locations_of(practice)}
    rows = [Row(line=line, values=values) for line, values in parse(text)]
    for row in rows:
        _check_row(row, practice, providers, now, types, sites)
    mobiles = {row.mobile for row in rows if row.mobile}
    known = {}
    for patient in db.session.scalars(select(Patient).where(
            Patient.practice_id == practice.id, Patient.mobile.in_(mobiles))
            .order_by(Patient.id)):
        known.setdefault((patient.mobile, patient.full_name.casefold()), patient)
    seen: dict[tuple, int] = {}
    for row in rows:
        if not row.ok:
            continue
        row.patient = known.get(row.patient_key)
        key = (row.patient_key, row.provider.id, row.starts_at)
        if key in seen:
            row.errors.append(f"Repeats row {seen[key]}.")
            continue
        seen[key] = row.line
        if row.patient is not None and db.session.scalar(select(Appointment.id).where(
                Appointment.practice_id == practice.id,
                Appointment.patient_id == row.patient.id,
                Appointment.provider_id == row.provider.id,
                Appointment.starts_at == row.starts_at,
                Appointment.status.not_in(service.CANCELLED))):
            row.errors.append("This appointment is already booked.")
            continue
        if service.overlapping(row.provider, row.starts_at, row.duration_minutes):
            row.warnings.append(f"{row.provider.name} already has an appointment then.")
    return Preview(rows=rows)


def import_valid_rows(practice: Practice, checked: Preview, *, consent: bool, actor: Actor,
                      now: datetime | None = None) -> ImportResult:
    """Book every valid row of a preview in the caller's transaction: all of them, or none
    if anything fails on the way (the edge rolls back). New patients get SMS consent only if
    the person said they gave it."""
    now = now or utcnow()
    new_patients: dict[tuple[str, str], Patient] = {}
    imported = []
    for row in checked.valid:
        patient = row.patient or new_patients.get(row.patient_key)
        if patient is None:
            patient = Patient(practice_id=practice.id, first_name=row.first_name,
                              last_name=row.last_name, mobile=row.mobile, created_at=now)
            db.session.add(patient)
            if consent:
                db.session.flush()
                consents.give(patient, practice, consents.evidence_from_staff(
                    practice, patient, ConsentMethod.CSV_IMPORT, actor), now)
            new_patients[row.patient_key] = patient
        imported.append((row.line, service.book(
            practice, patient=patient, provider=row.provider, starts_at=row.starts_at,
            duration_minutes=row.duration_minutes, reason=row.reason,
            appointment_type=row.appointment_type, location=row.location, actor=actor,
            now=now)))
    return ImportResult(imported=imported, new_patients=list(new_patients.values()),
                        skipped=checked.invalid)
