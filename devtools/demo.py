"""The demo practices that `make run` seeds on an empty database (`flask seed-demo`).

A newcomer should see a working app at once, on both Clickatell generations side by side:

- *Riverside Family Practice* texts through a legacy **Central** account, made on the local
  Clickatell sandbox already activated, with a two-way number and credits;
- *Harbor View Clinic* texts through a **Platform** SMS setup (the One API), connected as a
  practice connects the account it already has (`onboarding.connect_existing`): the setup is
  made in the sandbox's "portal" (two-way, its own number, STOP/SUBSCRIBE handling), its key
  and number are checked and stored by `connect`, the two callback URLs (at the app's
  PUBLIC_BASE_URL) are pasted into the setup, and a test text goes to the owner's mobile.

Each has its own owner, providers, patients and number, a month of history, and appointments
today and the next days in every state. The coming days run through the weekend (the
history keeps to weekdays): were Monday's visits "tomorrow's" on a Friday, their 48-hour
reminders would not be due yet, and a demo run on a Friday would show no reminder answered.

What happened *before* today is written as rows, as if it had happened (the sandbox cannot
go back in time). What happens around now goes through the real code, with the clock set
back: appointments are booked a few days ago by `appointments.service.book` (which plans
their reminders), every reminder already due is sent by the real dispatcher at the minute
it was due (`reminders.passes.run_pass(now=…)`), so the sandbox's phones really received
them, and patients' replies are texted from the sandbox's phones and understood by
`inbound.replies.handle_inbound`. Reminders due later are left pending: the scheduler of
`make run` sends them while you watch.

The Platform practice's texts also end as the Platform reports them: the status callbacks the
sandbox pushed (JSON, to the setup's status URL) are read by the Platform's parser and applied
by `outbox.delivery.apply_delivery_report`, as the app's webhook applies them; one patient's
phone is switched off meanwhile, so her reminder ends undelivered. `make run` seeds before the
app serves, so the sandbox retries each of those pushes once the app is up: a repeat, which
changes nothing (the same goes for the replies, and for the first practice's status reports,
which arrive that way).
"""

from __future__ import annotations

import logging
import random
import secrets
import string
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic, sleep
from urllib.parse import urlsplit

import requests
from flask import current_app
from sqlalchemy import func, select

from devtools.sandbox_api import SandboxAPI
from reminder_app.appointments import service as booking
from reminder_app.appointments import visits
from reminder_app.clickatell import Reply, StatusUpdate, codes, parse_platform_statuses
from reminder_app.clickatell.codes import StatusInfo
from reminder_app.extensions import db
from reminder_app.gateways import callback_url
from reminder_app.inbound.replies import handle_inbound
from reminder_app.inbound.understanding import interpret
from reminder_app.models import (
    Actor,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ClickatellAccount,
    Direction,
    Event,
    EventKind,
    Intent,
    Language,
    Message,
    MessageKind,
    MessageStatus,
    Offer,
    OfferStatus,
    Patient,
    Practice,
    Priority,
    Provider,
    Reminder,
    ReminderStatus,
    Role,
    StaffUser,
)
from reminder_app.models.clickatell_account import new_callback_secret
from reminder_app.models.messages import new_client_message_id
from reminder_app.models.types import utcnow
from reminder_app.onboarding import checklist, connect_existing
from reminder_app.outbox.delivery import apply_delivery_report
from reminder_app.recalls import service as recalls
from reminder_app.recalls.service import RecallDetails
from reminder_app.recalls.texting import send_due as send_due_recalls
from reminder_app.reminders import templates
from reminder_app.reminders.journey_defaults import journey_rules_for
from reminder_app.reminders.passes import run_pass
from reminder_app.reminders.rules import rules_for, set_rules_for_type
from reminder_app.running_late import service as late
from reminder_app.timezones import to_utc
from reminder_app.transactions import unit_of_work
from reminder_app.waitlist import service as waitlist
from reminder_app.waitlist.service import Availability

log = logging.getLogger(__name__)

OWNER_EMAIL = "owner@demo.example"
PRACTICE_NAME = "Riverside Family Practice"
OWNER_MOBILE = "+12015550142"
#: Long numbers the demo asks the sandbox for (outside the pool its number page offers).
LONG_NUMBERS = ("+14155550123", "+14155550124", "+14155550125", "+14155550126")
STARTING_CREDITS = 500
US_COUNTRY_ID = 226
SMALL_BUSINESS_ACCOUNT = 9
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}

PROVIDERS = ("Dr. Amelia Reyes", "Dr. Sam Okafor")
#: (first name, last name, language, SMS consent)
PATIENTS = (
    ("Maria", "Lopez", Language.EN, True),
    ("James", "Carter", Language.EN, True),
    ("Sofía", "García", Language.ES, True),
    ("Priya", "Patel", Language.EN, True),
    ("Tom", "Nguyen", Language.EN, True),
    ("Grace", "Kim", Language.EN, True),
    ("Daniel", "Brooks", Language.EN, True),
    ("Olivia", "Bennett", Language.EN, True),
    ("Ahmed", "Hassan", Language.EN, True),
    ("Chloe", "Martin", Language.EN, True),
    ("Lucas", "Rossi", Language.EN, True),
    ("Harold", "Finch", Language.EN, False),  # prefers phone calls: reminders are skipped
)
REASONS = ("Check-up", "Follow-up", "Blood test", "Vaccination", "Blood pressure check",
           "Annual physical", "Prescription review")

#: The upcoming appointments: (days from today, local time, patient index, provider index).
UPCOMING = (
    (0, time(8, 30), 4, 0), (0, time(9, 15), 5, 1), (0, time(10, 0), 6, 0),
    (0, time(11, 30), 7, 1), (0, time(14, 0), 8, 0), (0, time(15, 30), 9, 1),
    (0, time(16, 45), 10, 0),
    (1, time(9, 0), 0, 0), (1, time(9, 30), 1, 1), (1, time(10, 30), 2, 0),
    (1, time(11, 0), 3, 1), (1, time(14, 30), 11, 0), (1, time(15, 0), 4, 1),
    (2, time(9, 0), 5, 0), (2, time(10, 0), 6, 1), (3, time(11, 0), 7, 0),
    (4, time(9, 30), 8, 1), (5, time(13, 0), 9, 0),
)
#: Replies texted from the patients' phones to tomorrow's reminders: (patient index, text).
REPLIES = (
    (0, "C"),
    (2, "Sí"),
    (1, "X"),
    (3, "Running 10 minutes late tomorrow, is that OK? I have to drop my son at school."),
)
#: Replies to today's reminders, for appointments later today.
TODAY_REPLIES = ((8, "C"), (9, "R"))
#: On both providers' waitlists, best first: (patient index, priority). When a patient
#: cancels by text (REPLIES' "X"), the slot is offered to them; the first takes it.
WAITLIST = ((10, Priority.HIGH), (5, Priority.NORMAL), (9, Priority.NORMAL))
#: Minutes after an offer that its first patient answers YES.
OFFER_ANSWERED_AFTER = 4

#: In the history's last days each patient comes once at most: with the reminders of their
#: coming appointment, more would pass the practice's weekly cap on reminders per patient,
#: and the replay's reminders would be skipped.
ONE_VISIT_DAYS = 10

#: How a text of the history ended, in its generation's status codes: delivered, or not.
CENTRAL_OUTCOMES = (codes.MESSAGE_STATUSES["004"], codes.MESSAGE_STATUSES["007"])
ONE_API_OUTCOMES = (codes.ONE_API_STATUSES["DEVICE_ACK"],
                    codes.ONE_API_STATUSES["DELIVERY_FAILURE"])


@dataclass(frozen=True)
class ComingDays:
    """A demo practice's appointments from today, and the replies texted to their reminders."""

    #: (days from today, local time, patient index, provider index)
    upcoming: tuple[tuple[int, time, int, int], ...]
    #: To tomorrow's reminders: (patient index, text).
    replies: tuple[tuple[int, str], ...]
    #: To today's reminders, for appointments later today.
    today_replies: tuple[tuple[int, str], ...]


RIVERSIDE_DAYS = ComingDays(UPCOMING, REPLIES, TODAY_REPLIES)

# The second practice, on the Platform (One API).
PLATFORM_PRACTICE_NAME = "Harbor View Clinic"
PLATFORM_OWNER_EMAIL = "owner@harbor.demo.example"
PLATFORM_OWNER_MOBILE = "+12015550143"
#: Two-way numbers the demo asks the sandbox for, for the Platform SMS setup.
PLATFORM_NUMBERS = ("+14155550140", "+14155550141", "+14155550142", "+14155550143")
PLATFORM_PROVIDERS = ("Dr. Nadia Brooks", "Dr. Felix Wong")
PLATFORM_PATIENTS = (
    ("Ethan", "Walsh", Language.EN, True),
    ("Isabel", "Moreno", Language.ES, True),
    ("Noah", "Fischer", Language.EN, True),
    ("Ava", "Thompson", Language.EN, True),
    ("Mei", "Chen", Language.EN, True),
    ("Liam", "Murphy", Language.EN, True),
    ("Zoe", "Adams", Language.EN, True),
    ("Frank", "Miller", Language.EN, False),  # prefers phone calls: reminders are skipped
)
#: Harbor's patients' mobiles follow Riverside's: +1 973 555 0200, 0201, …
PLATFORM_FIRST_MOBILE = 200
PLATFORM_DAYS = ComingDays(
    upcoming=(
        (0, time(8, 45), 5, 0), (0, time(11, 0), 4, 1), (0, time(16, 0), 6, 0),
        (1, time(9, 0), 0, 0), (1, time(9, 45), 1, 1), (1, time(10, 30), 2, 0),
        (1, time(14, 0), 3, 1), (1, time(15, 30), 7, 0),
        (2, time(9, 30), 4, 0), (3, time(11, 0), 5, 1),
    ),
    replies=((0, "C"), (1, "Sí"), (2, "X"),
             (3, "Can I bring my daughter along too? She has had a cough since Monday.")),
    today_replies=((6, "C"),),
)
#: This patient's phone is off while the last days are replayed: her reminders end
#: undelivered (the Platform's DELIVERY_FAILURE, by status callback); it is on again after.
PHONE_OFF = 4
#: Seconds the seed waits for the sandbox to take the Platform practice's texts to their
#: last status (it takes a step every SANDBOX_DELIVERY_STEP_SECONDS: a few seconds in all).
STATUS_CALLBACK_WAIT = 30


class DemoError(Exception):
    """The demo could not be seeded; the message is for the person at the terminal."""


@dataclass(frozen=True)
class SeededPractice:
    practice: Practice
    owner_email: str
    password: str


@dataclass
class DemoSeed:
    """The first practice (Central) by its owner's sign-in, the notes for the person at the
    terminal, and the second practice (Platform), if it could be seeded."""

    owner_email: str
    password: str
    practice: Practice
    notes: list[str] = field(default_factory=list)
    platform: SeededPractice | None = None

    @property
    def practices(self) -> list[SeededPractice]:
        first = SeededPractice(self.practice, self.owner_email, self.password)
        return [first, self.platform] if self.platform else [first]


def clickatell_of(practice: Practice) -> str:
    """Which Clickatell the practice texts through, in words (beside its sign-in)."""
    account = practice.clickatell_account
    if account is None:
        return "without a Clickatell account yet"
    if account.on_platform:
        return "texting through a Clickatell Platform account (the One API)"
    return "texting through a Clickatell Central account (the legacy API)"


def new_password() -> str:
    """Letters and digits with at least one of each: valid here and at Clickatell."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Practice))


def local_sandbox_url() -> str | None:
    """The sandbox's base URL when the messaging API is a local sandbox, else None."""
    return _if_local(current_app.config["CLICKATELL_API_URL"])


def local_platform_url() -> str | None:
    """The sandbox's base URL when the Platform's One API is a local sandbox, else None."""
    return _if_local(current_app.config["CLICKATELL_PLATFORM_URL"])


def _if_local(url: str) -> str | None:
    url = url.rstrip("/")
    return url if urlsplit(url).hostname in LOCAL_HOSTS else None


def phone_pages_url() -> str | None:
    base = local_sandbox_url()
    return f"{base}/sandbox/phones" if base else None


def create_practice_with_owner(*, practice_name: str, owner_name: str, email: str,
                               password: str, country: str = "US",
                               timezone: str = "America/New_York", phone: str = "",
                               address: str = "") -> StaffUser:
    """A practice and its owner, without Clickatell (the demo's, and the tests')."""
    practice = Practice(name=practice_name, country=country, timezone=timezone, phone=phone,
                        address=address)
    owner = StaffUser(practice=practice, name=owner_name, email=email.lower(), role=Role.OWNER)
    owner.set_password(password)
    db.session.add_all([practice, owner])
    db.session.commit()
    return owner


def seed_demo(now: datetime | None = None) -> DemoSeed:
    """Seed the demo practices on an empty database; see the module's doc. The second (on
    the Platform) lives on the same sandbox as the first: it is seeded only if the first's
    account could be made there."""
    if not database_is_empty():
        raise DemoError("The database already has practices; nothing seeded.")
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    password = new_password()
    owner = create_practice_with_owner(
        practice_name=PRACTICE_NAME, owner_name="Dana Rivers", email=OWNER_EMAIL,
        password=password, phone="+12015550100", address="12 River Road, Hoboken, NJ 07030")
    practice = owner.practice
    seed = DemoSeed(OWNER_EMAIL, password, practice)

    providers = [Provider(practice_id=practice.id, name=name) for name in PROVIDERS]
    patients = [_patient(practice, n, *row, now=now) for n, row in enumerate(PATIENTS)]
    db.session.add_all(providers + patients)
    db.session.commit()

    staff = Actor.staff(owner)
    account = _sandbox_account(practice, password, now, seed.notes)
    kinds = _appointment_types(practice, now)
    write_history(practice, patients, providers, now, staff=staff)
    _waitlist(practice, patients, providers, now - timedelta(days=5))
    if account is not None:
        with _seeding_settings():
            _book_and_replay(practice, account, patients, providers, now, staff,
                             days=RIVERSIDE_DAYS, clickatell_id=account.api_id)
            seed_family(practice, account, providers[0], now, staff,
                        clickatell_id=account.api_id)
        _refresh_balance(account, seed.notes)
    else:
        _book_upcoming(practice, patients, providers, now - timedelta(days=4), staff)
    _journey(practice, patients, providers, account, now, staff)
    _close_earlier_today(practice, now, staff)
    _sites(practice, patients, providers, kinds, now, staff)
    _recalls(practice, patients, providers, kinds, now, staff)
    if account is not None:
        _running_late(practice, providers[0], now, staff)
        seed.platform = seed_platform_practice(now, seed.notes)
    db.session.commit()  # the demo is an edge: whoever seeds it (command, test) finds it kept
    return seed


def _patient(practice: Practice, n: int, first: str, last: str, language: Language,
             consent: bool, *, now: datetime, first_mobile: int = 100) -> Patient:
    patient = Patient(practice_id=practice.id, first_name=first, last_name=last,
                      mobile=f"+1973555{first_mobile + n:04d}", language=language,
                      notes="" if consent else "Prefers a phone call to text messages.",
                      created_at=now - timedelta(days=60))
    if consent:
        patient.opt_in(now - timedelta(days=60))
    return patient


# ---------------------------------------------------------------- the Clickatell account

def _sandbox_account(practice: Practice, password: str, now: datetime,
                     notes: list[str]) -> ClickatellAccount | None:
    """A ready account made on the local sandbox by its test API; None (with a note) if the
    app is not pointed at a local sandbox, or the sandbox is not answering."""
    base = local_sandbox_url()
    if base is None:
        notes.append("CLICKATELL_API_URL is not a local sandbox, so no Clickatell account was "
                     "seeded: sign the practice up through /signup instead.")
        return None
    account = ClickatellAccount(
        practice=practice, username=f"riverside{secrets.randbelow(90000) + 10000}",
        email="dana@riverside.example", mobile=OWNER_MOBILE, country_id=US_COUNTRY_ID,
        account_type=SMALL_BUSINESS_ACCOUNT, callback_secret=new_callback_secret(),
        registered_at=now - timedelta(days=45), email_activated_at=now - timedelta(days=45),
        sms_activated_at=now - timedelta(days=45), number_requested_at=now - timedelta(days=45),
        balance_checked_at=now)
    account.password = password
    for number in LONG_NUMBERS:
        try:
            response = SandboxAPI(base).try_create_account(**{
                "user": account.username, "password": password, "email": account.email,
                "mobile": OWNER_MOBILE.removeprefix("+"), "account_id": SMALL_BUSINESS_ACCOUNT,
                "credits": STARTING_CREDITS, "long_number": number.removeprefix("+"),
                "callback_url": callback_url(account, "status"), "callback_type_id": 1,
                "mo_callback_url": callback_url(account, "inbound")})
        except requests.RequestException:
            notes.append(f"The Clickatell sandbox at {base} is not answering, so no Clickatell "
                         "account was seeded. Start it first (`make sandbox`).")
            db.session.rollback()
            return None
        if response.status_code == 201:
            created = response.json()
            account.api_id = str(created["api_id"])
            account.long_number = number
            account.balance = Decimal(str(created.get("credits", STARTING_CREDITS)))
            db.session.add(account)
            db.session.commit()
            return account
        log.info("sandbox refused %s: %s", number, response.text)
    db.session.rollback()
    notes.append("The sandbox refused every demo long number (already taken?); run "
                 "`make demo-reset` to start over with an empty sandbox.")
    return None


def _refresh_balance(account: ClickatellAccount, notes: list[str]) -> None:
    try:
        checklist.refresh_balance(account)
    except checklist.OnboardingError as error:
        notes.append(f"Could not read the balance: {error}")


# ---------------------------------------------------------------- the last 30 days

def write_history(practice: Practice, patients: list[Patient], providers: list[Provider],
                  now: datetime, *, staff: Actor, days: int = 30, seed: int = 8,
                  outcomes: tuple[StatusInfo, StatusInfo] = CENTRAL_OUTCOMES) -> int:
    """Appointments of the last `days` days (weekdays), as rows: most completed, some
    no-shows and cancellations, each with its reminder and, often, the patient's "C", and
    the events the app would have recorded (booked by `staff`, the reply's reading, …).
    Each reminder ended as `outcomes` name it (delivered, not delivered) in the codes of the
    practice's Clickatell. Returns how many appointments it wrote."""
    rule = rules_for(practice)[0]
    chance = random.Random(seed)
    zone = practice.zone
    today = now.astimezone(zone).date()
    texted = [p for p in patients if p.sms_consent]
    seen_lately: set[int] = set()
    written = 0
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        slots = (time(9, 0), time(10, 30), time(11, 15), time(14, 0), time(15, 30))
        for n, slot in enumerate(slots[:chance.randint(3, 5)]):
            candidates = [p for p in texted if back > ONE_VISIT_DAYS or p.id not in seen_lately]
            if not candidates:
                break
            patient = chance.choice(candidates)
            if back <= ONE_VISIT_DAYS:
                seen_lately.add(patient.id)
            starts_at = to_utc(day, slot, zone)
            written += 1
            appointment = Appointment(
                practice_id=practice.id, patient=patient, provider=chance.choice(providers),
                starts_at=starts_at, duration_minutes=chance.choice((15, 20, 30)),
                reason=chance.choice(REASONS), created_at=starts_at - timedelta(days=10),
                status=AppointmentStatus.BOOKED)
            db.session.add(appointment)
            db.session.flush()
            Event.record_change(appointment, EventKind.BOOKED, staff, appointment.created_at)
            _history_of(appointment, rule, practice, chance, staff, outcomes,
                        fail=back == 2 and n == 0)
    db.session.commit()
    return written


def _history_of(appointment: Appointment, rule, practice: Practice,
                chance: random.Random, staff: Actor, outcomes: tuple[StatusInfo, StatusInfo],
                *, fail: bool = False) -> None:
    patient = appointment.patient
    sent_at = appointment.starts_at - timedelta(minutes=rule.minutes_before)
    failed = fail or chance.random() < 0.04
    outcome = outcomes[1] if failed else outcomes[0]
    reason = outcome.meaning if failed else ""
    reminder_text = templates.render(rule.template_for(patient.language).body,
                                     templates.details_of(appointment, practice))
    message = Message(
        practice_id=practice.id, patient=patient, appointment_id=appointment.id,
        direction=Direction.OUTBOUND, kind=MessageKind.REMINDER,
        sender=practice.clickatell_account.long_number if practice.clickatell_account
        else LONG_NUMBERS[0], recipient=patient.mobile, body=reminder_text, parts=1,
        status=MessageStatus.FAILED if failed else MessageStatus.DELIVERED,
        status_code=outcome.code, status_detail=outcome.meaning,
        client_message_id=new_client_message_id(), gateway_message_id=secrets.token_hex(16),
        charge=Decimal(1), send_after=sent_at, attempts=1, created_at=sent_at, sent_at=sent_at,
        delivered_at=None if failed else sent_at + timedelta(seconds=3))
    db.session.add(message)
    db.session.flush()
    db.session.add(Reminder(
        practice_id=practice.id, appointment_id=appointment.id, rule_id=rule.id,
        send_at=sent_at, appointment_starts_at=appointment.starts_at,
        status=ReminderStatus.FAILED if failed else ReminderStatus.DELIVERED, reason=reason,
        message_id=message.id, created_at=appointment.created_at, updated_at=sent_at))
    roll = chance.random()
    if failed:
        _history_close(appointment, staff, no_show=roll < 0.5)
        return
    if roll < 0.1:
        _history_reply(appointment, practice, "X", sent_at)
    elif roll < 0.85:
        _history_reply(appointment, practice, chance.choice(("C", "c", "C", "Yes", "ok")),
                       sent_at)
        _history_close(appointment, staff, no_show=chance.random() < 0.03)
    else:
        _history_close(appointment, staff, no_show=chance.random() < 0.25)


def _history_close(appointment: Appointment, staff: Actor, *, no_show: bool) -> None:
    appointment.status = AppointmentStatus.NO_SHOW if no_show else AppointmentStatus.COMPLETED
    Event.record_change(appointment, EventKind.NO_SHOW if no_show else EventKind.COMPLETED,
                        staff, appointment.ends_at)


def _history_reply(appointment: Appointment, practice: Practice, text: str,
                   sent_at: datetime) -> None:
    """The patient's reply, read and acted on as `handle_inbound` would have."""
    at = sent_at + timedelta(minutes=random.Random(appointment.id).randint(3, 240))
    patient = appointment.patient
    reply = Message(
        practice_id=practice.id, patient=patient, appointment_id=appointment.id,
        direction=Direction.INBOUND, kind=MessageKind.REPLY, sender=patient.mobile,
        recipient=practice.clickatell_account.long_number if practice.clickatell_account
        else LONG_NUMBERS[0], body=text, parts=1, status=MessageStatus.RECEIVED,
        gateway_message_id=secrets.token_hex(16), dedupe_key=f"demo-history:{appointment.id}",
        created_at=at, read_at=at)
    db.session.add(reply)
    db.session.flush()
    appointment.last_reply_text, appointment.last_reply_at = text, at
    reading = interpret(text, patient.language.value)
    sender = Actor.patient(patient)
    Event.record_reading(reply, reading, sender, at, appointment=appointment)
    if reading.intent is Intent.CANCEL_APPOINTMENT:
        appointment.status = AppointmentStatus.CANCELLED_BY_PATIENT
        Event.record_change(appointment, EventKind.CANCELLED, sender, at)
    elif reading.intent is Intent.CONFIRM:
        appointment.status = AppointmentStatus.CONFIRMED
        Event.record_change(appointment, EventKind.CONFIRMED, sender, at)


# ---------------------------------------------------------------- today and the next days

@contextmanager
def _seeding_settings():
    """One sender and no rate limit while the seed replays the past few days."""
    config = current_app.config
    saved = {key: config[key] for key in ("OUTBOX_CONCURRENCY", "OUTBOX_RATE_PER_SECOND")}
    config.update(OUTBOX_CONCURRENCY=1, OUTBOX_RATE_PER_SECOND=0.0)
    try:
        yield
    finally:
        config.update(saved)


def _book_upcoming(practice: Practice, patients: list[Patient], providers: list[Provider],
                   booked_at: datetime, staff: Actor,
                   upcoming: tuple[tuple[int, time, int, int], ...] = UPCOMING
                   ) -> list[Appointment]:
    today = booked_at.astimezone(practice.zone).date() + timedelta(days=4)
    booked = []
    for n, (days, at, patient, provider) in enumerate(upcoming):
        day = today + timedelta(days=days)
        booked.append(booking.book(
            practice, patient=patients[patient], provider=providers[provider],
            starts_at=to_utc(day, at, practice.zone), duration_minutes=(15, 30, 20)[n % 3],
            reason=REASONS[n % len(REASONS)], actor=staff, now=booked_at))
    return booked


#: Riverside's two sites: each provider sees patients at one of them.
RIVERSIDE_SITES = (("Riverside Main", "12 River Road, Hoboken, NJ 07030"),
                   ("Riverside North", "400 Park Avenue, Weehawken, NJ 07086"))


def _appointment_types(practice: Practice, now: datetime) -> list[AppointmentType]:
    """Riverside's appointment types, made before anything is booked: a phone consultation
    without the 2-hour reminder, an annual physical with a preparation note."""
    with unit_of_work():
        phone = visits.add_type(practice, name="Phone consultation",
                                default_duration_minutes=10)
        physical = visits.add_type(
            practice, name="Annual physical", default_duration_minutes=30,
            prep_note="Please come fasting: nothing to eat after midnight.",
            prep_note_es="Por favor, venga en ayunas: nada de comer después de medianoche.")
        day_before = rules_for(practice)[0]
        set_rules_for_type(phone, {day_before.id}, now=now)
    return [phone, physical]


def _sites(practice: Practice, patients: list[Patient], providers: list[Provider],
           kinds: list[AppointmentType], now: datetime, staff: Actor) -> None:
    """Riverside's two sites: the appointments from today on are at their provider's site,
    and next week has one visit of each type."""
    phone, physical = kinds
    with unit_of_work():
        sites = [visits.add_location(practice, name=name, address=address)
                 for name, address in RIVERSIDE_SITES]
        today_starts = to_utc(now.astimezone(practice.zone).date(), time(0), practice.zone)
        for appointment in db.session.scalars(select(Appointment).where(
                Appointment.practice_id == practice.id, Appointment.starts_at >= today_starts)):
            appointment.location = sites[providers.index(appointment.provider) % len(sites)]
        next_week = _weekday(now.astimezone(practice.zone).date() + timedelta(days=7))
        for kind, at, patient, provider in ((phone, time(9, 0), 1, 0),
                                            (physical, time(10, 0), 3, 1)):
            booking.book(practice, patient=patients[patient], provider=providers[provider],
                         starts_at=to_utc(next_week, at, practice.zone), appointment_type=kind,
                         location=sites[provider], actor=staff, now=now)


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _book_and_replay(practice: Practice, account: ClickatellAccount, patients: list[Patient],
                     providers: list[Provider], now: datetime, staff: Actor, *,
                     days: ComingDays, clickatell_id: str) -> None:
    """Book a few days ago, then live the days since in order: each dispatch pass at the
    minute reminders were due, each patient's reply a few minutes after their reminder.
    `clickatell_id`: the account as Clickatell's callbacks name it (Central's api_id, a
    Platform setup's integrationId)."""
    booked = _book_upcoming(practice, patients, providers, now - timedelta(days=4), staff,
                            days.upcoming)
    due = {appointment.id: sorted(db.session.scalars(select(Reminder.send_at).where(
        Reminder.appointment_id == appointment.id, Reminder.status == ReminderStatus.PENDING,
        Reminder.send_at <= now))) for appointment in booked}
    events: list[tuple[datetime, int, Appointment | None, str]] = [
        (moment, 0, None, "") for moment in sorted({m for times in due.values() for m in times})]
    today = now.astimezone(practice.zone).date()
    tomorrow = today + timedelta(days=1)
    for day, replies in ((tomorrow, days.replies), (today, days.today_replies)):
        for patient_index, text in replies:
            appointment = next((a for a in booked if a.patient_id == patients[patient_index].id
                                and a.starts_at.astimezone(practice.zone).date() == day
                                and a.starts_at > now and due[a.id]), None)
            if appointment is not None:
                at = min(due[appointment.id][0] + timedelta(minutes=7 + appointment.id % 20),
                         now)
                if text == "X":  # the last event, lived at the real time: see _take_the_offer
                    at = now
                events.append((at, 1, appointment, text))
    for moment, _, appointment, text in sorted(events, key=lambda event: event[:2]):
        if appointment is None:
            run_pass(now=moment)
            continue
        if text != "X":
            _reply(account, clickatell_id, appointment, text, moment)
            continue
        _reply(account, clickatell_id, appointment, text, utcnow())
        _take_the_offer(account, clickatell_id,
                        utcnow() + timedelta(minutes=OFFER_ANSWERED_AFTER))


def _waitlist(practice: Practice, patients: list[Patient], providers: list[Provider],
              since: datetime) -> None:
    for patient_index, priority in WAITLIST:
        waitlist.add(practice, patients[patient_index], Availability(
            providers=providers, weekdays=0b1111111, earliest_time=time(8),
            latest_time=time(18), priority=priority), now=since)


def _take_the_offer(account: ClickatellAccount, clickatell_id: str, at: datetime) -> None:
    """The first patient offered the slot just freed answers YES from their phone (if an
    offer went out: one never does in quiet hours).

    The sandbox also pushes each reply to the app's webhook, which reads it at the real
    time, and either road may get there first. So the cancellation and this answer are not
    replayed in the past but lived now: whichever road reads them, the offer is made, sent
    and answered in the same order, with the same outcome."""
    offer = db.session.scalar(select(Offer).where(Offer.status == OfferStatus.OPEN,
                                                  Offer.practice_id == account.practice_id)
                              .order_by(Offer.id).limit(1))
    if offer is not None:
        _text(account, clickatell_id, offer.patient, "YES", at)


def _reply(account: ClickatellAccount, clickatell_id: str, appointment: Appointment,
           text: str, at: datetime) -> None:
    """The patient texts back from the sandbox's phone; the app reads it as its webhook
    would (the sandbox's own push, once the app is up, is then a repeat that changes
    nothing), and its automatic answer leaves a minute later."""
    _text(account, clickatell_id, appointment.patient, text, at)


def _text(account: ClickatellAccount, clickatell_id: str, patient: Patient, text: str,
          at: datetime) -> None:
    sandbox_url = local_platform_url() if account.on_platform else local_sandbox_url()
    mo_message_id = SandboxAPI(sandbox_url).inbound(patient.mobile, account.long_number, text)
    with unit_of_work():
        handle_inbound(account, Reply(
            account=clickatell_id, message_id=mo_message_id, sender=patient.mobile,
            to=account.long_number, received_at=at, text=text), now=at)
    run_pass(now=at + timedelta(minutes=1))


def _journey(practice: Practice, patients: list[Patient], providers: list[Provider],
             account: ClickatellAccount | None, now: datetime, staff: Actor) -> None:
    """Riverside has the journey's texts switched on (the no-show follow-up too): the visit
    Sofía booked just now gets its booked notice (in Spanish), one the practice moved to two
    days later its change notice (both sent now, through the sandbox, unless quiet hours
    hold them), and the no-show `_close_earlier_today` marks its follow-up an hour later,
    while you watch."""
    for rule in journey_rules_for(practice):
        rule.enabled = True
    moved = db.session.scalars(select(Appointment).where(
        Appointment.practice_id == practice.id, Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at > now + timedelta(days=1))
        .order_by(Appointment.starts_at.desc())).first()
    if moved is not None:
        booking.move(moved, practice, starts_at=moved.starts_at + timedelta(days=2),
                     actor=staff, now=now)
    day = _weekday(now.astimezone(practice.zone).date() + timedelta(days=5))
    booking.book(practice, patient=patients[2], provider=providers[1],
                 starts_at=to_utc(day, time(10, 30), practice.zone), reason=REASONS[0],
                 actor=staff, now=now)
    db.session.commit()
    if account is not None:
        with _seeding_settings():
            run_pass(now=now)


def _close_earlier_today(practice: Practice, now: datetime, staff: Actor) -> None:
    """Appointments of today that are over: seen, except one no-show."""
    earlier = list(db.session.scalars(select(Appointment).where(
        Appointment.practice_id == practice.id,
        Appointment.starts_at >= now - timedelta(hours=12), Appointment.starts_at < now,
        Appointment.status.in_((AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)))
        .order_by(Appointment.starts_at)))
    for n, appointment in enumerate(earlier):
        if n == 1:
            booking.mark_no_show(appointment, actor=staff, now=now)
        else:
            booking.mark_completed(appointment, actor=staff, now=now)


def _running_late(practice: Practice, provider: Provider, now: datetime, staff: Actor) -> None:
    """The first provider runs 20 minutes late: their patients still to come today are told,
    as the day view's "Running late" does (`running_late.service`), and the texts leave
    (those in quiet hours wait for the morning; seeded in the evening, no one is left)."""
    broadcast = late.Broadcast(provider, late.Wording.MINUTES, 20)
    with unit_of_work():
        sent = late.send(practice, broadcast, "demo-running-late-0001", staff, now)
    if sent.queued:
        run_pass(now=now)


# ---------------------------------------------------------------- the second practice: the Platform

# ---------------------------------------------------------------- recalls

#: (patient index, due for, provider index or None, due this many days from today, added
#: this many days before today). Texted, as the worker's recall job texts them, each day
#: of the past at 10:00; a recall due today is left to the worker.
RECALLS = (
    (5, "6-month check-up", None, -20, 50),  # Grace: texted twice, no answer yet
    (8, "Blood pressure check", 1, -45, 60),  # Ahmed: texted three times, overdue
    (9, "Follow-up visit", 0, -2, 12),  # Chloe: texted, then booked today
    (6, "Annual physical", None, 10, 3),  # Daniel: due in ten days
    (11, "Annual physical", None, -5, 20),  # Harold: no consent, never texted
    (4, "6-month check-up", None, 0, 30),  # Tom: due today, texted by the worker
)
#: Chloe (patient, provider) books from her recall: a follow-up six days ahead at 16:30.
RECALL_BOOKED = (9, 0)


def _recalls(practice: Practice, patients: list[Patient], providers: list[Provider],
             kinds: list[AppointmentType], now: datetime, staff: Actor) -> None:
    """The recall list in every state: due and texted, overdue, booked, coming due, not
    texted for want of consent, and one the worker texts today. The past days' texts are
    history rows (sent at 10:00 that day), as the rest of the month is. A recall due for a
    visit the practice has a type for (the annual physicals) names it: only an appointment
    of that type ends it."""
    zone = practice.zone
    today = now.astimezone(zone).date()
    kind_named = {kind.name: kind for kind in kinds}
    for index, reason, provider, due_in, added_ago in RECALLS:
        added = now - timedelta(days=added_ago)
        recalls.add(practice, patients[index], RecallDetails(
            reason, today + timedelta(days=due_in),
            providers[provider] if provider is not None else None,
            kind_named.get(reason)), actor=staff, now=added)
    for days_ago in range(max(row[4] for row in RECALLS), 0, -1):
        moment = to_utc(today - timedelta(days=days_ago), time(10), zone)
        send_due_recalls(moment)
        for message in db.session.scalars(select(Message).where(
                Message.practice_id == practice.id, Message.kind == MessageKind.RECALL,
                Message.status == MessageStatus.QUEUED)):
            message.status, message.sent_at = MessageStatus.SENT, moment
    index, provider = RECALL_BOOKED
    starts_at = to_utc(_weekday(today + timedelta(days=6)), time(16, 30), zone)
    booking.book(practice, patient=patients[index], provider=providers[provider],
                 starts_at=starts_at, reason="Follow-up", actor=staff, now=now)
    db.session.commit()


def seed_platform_practice(now: datetime, notes: list[str]) -> SeededPractice | None:
    """Harbor View Clinic, whose Clickatell account is on the Platform: connected as a
    practice connects the account it already has, then a month of history and the coming
    days lived like the first practice's, through the One API and its callbacks. None (with
    a note) without a local sandbox answering at CLICKATELL_PLATFORM_URL."""
    base = local_platform_url()
    if base is None:
        notes.append("CLICKATELL_PLATFORM_URL is not a local sandbox, so the second demo "
                     "practice (on the Clickatell Platform) was not seeded.")
        return None
    sandbox = SandboxAPI(base)
    setup, number = _platform_setup(sandbox, notes)
    if setup is None:
        return None
    password = new_password()
    owner = create_practice_with_owner(
        practice_name=PLATFORM_PRACTICE_NAME, owner_name="Morgan Ellis",
        email=PLATFORM_OWNER_EMAIL, password=password, phone="+12015550300",
        address="4 Harbor Boulevard, Weehawken, NJ 07086")
    practice = owner.practice
    staff = Actor.staff(owner)
    with unit_of_work():
        providers = [Provider(practice_id=practice.id, name=name) for name in PLATFORM_PROVIDERS]
        patients = [_patient(practice, n, *row, now=now, first_mobile=PLATFORM_FIRST_MOBILE)
                    for n, row in enumerate(PLATFORM_PATIENTS)]
        db.session.add_all(providers + patients)
    account = _connect_platform_setup(practice, sandbox, setup, number, now, notes)
    write_history(practice, patients, providers, now, staff=staff, seed=15,
                  outcomes=ONE_API_OUTCOMES)
    if account is None:
        with unit_of_work():
            _book_upcoming(practice, patients, providers, now - timedelta(days=4), staff,
                           PLATFORM_DAYS.upcoming)
    else:
        phone_off = patients[PHONE_OFF].mobile
        sandbox.switch_phone(phone_off, on=False)
        with _seeding_settings():
            _book_and_replay(practice, account, patients, providers, now, staff,
                             days=PLATFORM_DAYS, clickatell_id=setup["integration_id"])
        if not _receive_status_callbacks(account, sandbox):
            notes.append("Some of the Platform practice's texts had not reached their last "
                         "status on the sandbox; their status callbacks arrive once the app "
                         "is up.")
        sandbox.switch_phone(phone_off, on=True)
        with unit_of_work():
            _refresh_balance(account, notes)
    with unit_of_work():
        _close_earlier_today(practice, now, staff)
    return SeededPractice(practice, PLATFORM_OWNER_EMAIL, password)


def _platform_setup(sandbox: SandboxAPI, notes: list[str]) -> tuple[dict | None, str]:
    """The SMS setup as a practice makes it in Clickatell's portal (here the sandbox's):
    the One API, two-way with its own number, STOP/SUBSCRIBE handling (texts to US numbers
    need both), production (a sandbox setup texts only verified test phones), with credit.
    Returns the setup (its `api_key`, `integration_id`) and its number; (None, "") with a
    note if the sandbox is not answering or refuses every number."""
    user = f"harbor{secrets.randbelow(90000) + 10000}"
    for number in PLATFORM_NUMBERS:
        try:
            response = sandbox.try_create_platform_setup(
                user=user, credits=STARTING_CREDITS, api="oneapi", name="Appointment reminders",
                two_way=True, number=number.removeprefix("+"), stop_handling=True,
                sandbox=False)
        except requests.RequestException:
            notes.append(f"The Clickatell sandbox at {sandbox.url} is not answering, so the "
                         "second demo practice (on the Clickatell Platform) was not seeded.")
            return None, ""
        if response.status_code == 201:
            return response.json(), number
        log.info("sandbox refused the setup with %s: %s", number, response.text)
    notes.append("The sandbox refused every demo Platform number (already taken?); run "
                 "`make demo-reset` to start over with an empty sandbox.")
    return None, ""


def _connect_platform_setup(practice: Practice, sandbox: SandboxAPI, setup: dict, number: str,
                            now: datetime, notes: list[str]) -> ClickatellAccount | None:
    """"I already have a Clickatell account", as the owner goes through it: the key and
    number checked and stored (`connect_existing.connect`), the two callback URLs the page
    shows pasted into the setup, and a test text to the owner's mobile (its status callback
    is the first one: the checklist's "callbacks received")."""
    try:
        with unit_of_work():
            account = connect_existing.connect(practice, api_key=setup["api_key"],
                                               number=number, mobile=PLATFORM_OWNER_MOBILE,
                                               now=now)
        urls = connect_existing.callback_urls(account)
        sandbox.set_platform_callbacks(setup["integration_id"], status_url=urls["status"],
                                       reply_url=urls["inbound"])
        with unit_of_work():
            connect_existing.send_test_text(account, account.mobile)
    except connect_existing.ConnectError as error:
        notes.append(f"The Platform practice's SMS setup could not be connected: "
                     f"{error.message}")
        return practice.clickatell_account
    return account


def _receive_status_callbacks(account: ClickatellAccount, sandbox: SandboxAPI,
                             wait: float = STATUS_CALLBACK_WAIT) -> bool:
    """The status callbacks the sandbox pushed for the practice's texts, read by the
    Platform's parser and applied by `apply_delivery_report`, as the app's webhook reads
    and applies them (the first one turns the checklist's "callbacks received" green).

    `make run` seeds before the app serves, so those pushes found no app and wait for their
    retry, minutes later (a repeat, which then changes nothing). The seed reads them from the
    sandbox's push log instead, once every text it sent has reached its last status there.
    Returns False if some had not within `wait` seconds (their callbacks come later)."""
    with unit_of_work():
        waiting = set(db.session.scalars(select(Message.gateway_message_id).where(
            Message.practice_id == account.practice_id, Message.direction == Direction.OUTBOUND,
            Message.status == MessageStatus.SENT, Message.gateway_message_id.is_not(None))))
    status_url = callback_url(account, "status")
    deadline = monotonic() + wait
    while True:
        updates = _pushed_status_updates(sandbox, status_url)
        waiting -= {update.api_message_id for update in updates if update.status.final}
        if not waiting or monotonic() > deadline:
            break
        sleep(0.2)
    with unit_of_work():
        for update in updates:
            apply_delivery_report(account, update)
    return not waiting


def _pushed_status_updates(sandbox: SandboxAPI, status_url: str) -> list[StatusUpdate]:
    """Every status callback the sandbox pushed to this URL, each once (a push's retries
    and duplicates carry the same document), oldest first."""
    documents = {push["job"]: push["payload"] for push in sandbox.pushes()
                 if push["url"] == status_url}
    return [update for _, document in sorted(documents.items())
            for update in parse_platform_statuses(document)]


# ---------------------------------------------------------------- a family on one mobile

#: Two children on their parent's mobile (issue 19), seen one after the other tomorrow
#: morning: (first name, last name, local time).
FAMILY = (("Emma", "Reyes", time(8, 15)), ("Noah", "Reyes", time(8, 30)))
FAMILY_MOBILE = "+19735550150"
#: The parent answers both reminders with "C"; asked which visit, "2" (Noah's).
FAMILY_REPLIES = ("C", "2")
#: A minute after the second child's 48-hour reminder (its local time, two days before).
FAMILY_ANSWERED_AT = time(8, 31)


def seed_family(practice: Practice, account: ClickatellAccount, provider: Provider,
                now: datetime, staff: Actor, *, clickatell_id: str) -> list[Appointment]:
    """Book the children four days ago, send their reminders at the minute they were due
    (each names its reply code: "Reply C1", "Reply C2"), and let the parent's phone answer
    a minute after the second: a plain "C" is asked about, "2" confirms Noah's visit;
    Emma's waits.

    The question must still be open when the app's webhook reads the same texts at the
    real time (the sandbox pushes them too; a question expires a day after it is asked). So
    the children come the day after tomorrow once today's 48-hour reminders for that day
    have gone, and tomorrow before: either way the answers are less than a day old."""
    children = [_patient(practice, 0, first, last, Language.EN, True, now=now)
                for first, last, _at in FAMILY]
    for child in children:
        child.mobile = FAMILY_MOBILE
    db.session.add_all(children)
    db.session.flush()
    today = now.astimezone(practice.zone).date()
    answered_at = to_utc(today, FAMILY_ANSWERED_AT, practice.zone)
    day = today + timedelta(days=2 if now >= answered_at else 1)
    visits = [booking.book(practice, patient=child, provider=provider,
                           starts_at=to_utc(day, at, practice.zone), duration_minutes=15,
                           reason="Check-up", actor=staff, now=now - timedelta(days=4))
              for child, (_first, _last, at) in zip(children, FAMILY, strict=True)]
    db.session.commit()
    due = max(db.session.scalars(select(Reminder.send_at).where(
        Reminder.appointment_id.in_([visit.id for visit in visits]),
        Reminder.status == ReminderStatus.PENDING, Reminder.send_at <= now)), default=None)
    if due is None:
        return visits
    run_pass(now=due)
    for n, text in enumerate(FAMILY_REPLIES, start=1):
        _text(account, clickatell_id, children[0], text,
              min(due + timedelta(minutes=n), now))
    return visits
    run_pass(now=due)
    for text in FAMILY_REPLIES:
        _text(account, clickatell_id, children[0], text, now)
    return visits
