"""Small builders for test records, so a test states only what matters to it."""

from datetime import UTC, date, datetime, timedelta
from itertools import count

from sqlalchemy import insert

from devtools.demo import create_practice_with_owner
from reminder_app.extensions import db
from reminder_app.models import (
    Actor,
    ActorKind,
    Appointment,
    AppointmentStatus,
    Language,
    Patient,
    Provider,
    Role,
    StaffUser,
)

DEFAULT_PASSWORD = "correct-horse-1"
_numbers = count(1)


def make_practice(name: str | None = None, *, owner_email: str | None = None,
                  timezone: str = "America/New_York", country: str = "US") -> StaffUser:
    """A practice with its owner; returns the owner (the practice is `owner.practice`)."""
    n = next(_numbers)
    return create_practice_with_owner(
        practice_name=name or f"Practice {n}", owner_name=f"Owner {n}",
        email=owner_email or f"owner{n}@example.com", password=DEFAULT_PASSWORD,
        country=country, timezone=timezone, phone="+12015550100",
    )


def make_staff(practice, *, email: str | None = None, role: Role = Role.STAFF) -> StaffUser:
    n = next(_numbers)
    user = StaffUser(practice=practice, name=f"Staff {n}", email=email or f"staff{n}@example.com",
                     role=role)
    user.set_password(DEFAULT_PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def make_provider(practice, name: str | None = None, *, active: bool = True) -> Provider:
    provider = Provider(practice_id=practice.id, name=name or f"Dr. Provider {next(_numbers)}",
                        active=active)
    db.session.add(provider)
    db.session.commit()
    return provider


def make_many_patients(practice, count: int, *, last_name: str = "Lee",
                       area: str = "201") -> None:
    """`count` patients in one bulk INSERT: Lee, Sam0000 … with mobiles +1 201 200 0000 …
    and dates of birth a day apart from 1 January 1950."""
    now = datetime.now(UTC)
    db.session.execute(insert(Patient), [
        {"practice_id": practice.id, "first_name": f"Sam{n:04d}", "last_name": last_name,
         "mobile": f"+1{area}{2000000 + n:07d}", "date_of_birth": date(1950, 1, 1) + timedelta(n),
         "language": Language.EN, "sms_consent": True, "consented_at": now, "notes": "",
         "created_at": now}
        for n in range(count)])
    db.session.commit()


def make_patient(practice, *, first_name: str | None = None, last_name: str = "Patient",
                 mobile: str | None = None, sms_consent: bool = True,
                 language: Language = Language.EN, timezone: str | None = None) -> Patient:
    """A patient with a valid US mobile (+1 201 555 01NN) unless told otherwise."""
    n = next(_numbers)
    patient = Patient(practice_id=practice.id, first_name=first_name or f"Pat{n}",
                      last_name=last_name, mobile=mobile or f"+1201555{n % 10000:04d}",
                      language=language, timezone=timezone)
    if sms_consent:
        patient.opt_in(datetime.now(UTC))
    db.session.add(patient)
    db.session.commit()
    return patient


def make_appointment(practice, *, patient: Patient | None = None,
                     provider: Provider | None = None, starts_at: datetime | None = None,
                     duration_minutes: int = 15, reason: str = "Check-up",
                     status: AppointmentStatus = AppointmentStatus.BOOKED,
                     commit: bool = True) -> Appointment:
    """An appointment stored as given (no booking rules: it may be in the past)."""
    appointment = Appointment(
        practice_id=practice.id, patient=patient or make_patient(practice),
        provider=provider or make_provider(practice),
        starts_at=starts_at or datetime.now(UTC).replace(second=0, microsecond=0)
        + timedelta(days=1), duration_minutes=duration_minutes, reason=reason, status=status)
    db.session.add(appointment)
    if commit:
        db.session.commit()
    return appointment


def make_clickatell_account(practice, *, long_number: str | None = None,
                            api_id: str = "3500001", username: str | None = None,
                            password: str = "Secret123"):
    """A ready Clickatell account (activated, connected, with a two-way number)."""
    from reminder_app.models import ClickatellAccount

    n = next(_numbers)
    account = ClickatellAccount(
        practice_id=practice.id, username=username or f"practice{n}", email=f"acct{n}@example.com",
        mobile="+12015550142", country_id=226, api_id=api_id,
        long_number=long_number or f"+1201555{(9000 + n) % 10000:04d}",
        email_activated_at=datetime.now(UTC), sms_activated_at=datetime.now(UTC))
    account.password = password
    db.session.add(account)
    db.session.commit()
    return account


def make_platform_account(practice, *, long_number: str | None = None,
                          api_key: str = "PlatformKey0000000000000="):
    """A Platform account connected with an API key, with a two-way number (no sandbox)."""
    from reminder_app.models import ClickatellAccount, Generation

    n = next(_numbers)
    account = ClickatellAccount(
        practice_id=practice.id, generation=Generation.PLATFORM, mobile="+12015550142",
        long_number=long_number or f"+1201666{(9000 + n) % 10000:04d}")
    account.api_key = api_key
    db.session.add(account)
    db.session.commit()
    return account


def make_sent_text(practice, *, patient: Patient, appointment: Appointment | None = None,
                   body: str = "Reminder: your appointment. Reply C to confirm.",
                   kind=None, status=None):
    """An outbound text that already left (by default a reminder of `appointment`)."""
    from reminder_app.models import Direction, Message, MessageKind, MessageStatus

    account = practice.clickatell_account
    message = Message(
        practice_id=practice.id, patient=patient,
        appointment_id=appointment.id if appointment else None, direction=Direction.OUTBOUND,
        kind=kind or MessageKind.REMINDER, sender=account.long_number if account else "+1",
        recipient=patient.mobile, body=body, status=status or MessageStatus.SENT,
        sent_at=datetime.now(UTC))
    db.session.add(message)
    db.session.commit()
    return message


READY_PASSWORD = "Secret123"


def make_ready_practice(sandbox, name: str | None = None, *, owner_email: str | None = None,
                        timezone: str = "America/New_York", credits: float = 1000,
                        long_number: str | None = None) -> StaffUser:
    """A practice whose Clickatell account is fully set up on the sandbox: activated, with a
    messaging connection (api_id) reporting deliveries to this app's status webhook, a
    two-way long number and credits. Returns the owner (`owner.practice.clickatell_account`).

    Callback URLs use the app's PUBLIC_BASE_URL: request `live_app` before calling this when
    the sandbox's delivery reports should reach the app.
    """
    from reminder_app.gateways import callback_url
    from reminder_app.models import ClickatellAccount
    from reminder_app.models.clickatell_account import new_callback_secret

    owner = make_practice(name, owner_email=owner_email, timezone=timezone)
    practice = owner.practice
    n = next(_numbers)
    number = long_number or f"+1415555{n % 10000:04d}"
    account = ClickatellAccount(
        practice=practice, username=f"ready{n}x{practice.id}", email=f"ready{n}@example.com",
        mobile="+12015550142", country_id=226, callback_secret=new_callback_secret(),
        email_activated_at=datetime.now(UTC), sms_activated_at=datetime.now(UTC),
        long_number=number, balance=credits, balance_checked_at=datetime.now(UTC))
    account.password = READY_PASSWORD
    created = sandbox.create_account(
        user=account.username, password=READY_PASSWORD, email=account.email,
        mobile=account.mobile, account_id=9, credits=credits, long_number=number,
        callback_url=callback_url(account, "status"), callback_type_id=1,
        mo_callback_url=callback_url(account, "inbound"))
    account.api_id = str(created["api_id"])
    db.session.add(account)
    db.session.commit()
    return owner


def make_platform_practice(sandbox, name: str | None = None, *,
                           owner_email: str | None = None, timezone: str = "America/New_York",
                           credits: float = 1000, long_number: str | None = None,
                           setup: dict | None = None) -> StaffUser:
    """A practice connected to a Platform SMS setup on the sandbox (the One API): a two-way
    setup with the practice's number, STOP/SUBSCRIBE handling, its status and inbound
    callbacks pointing at this app (request `live_app` first for them to arrive), credit.
    `setup` overrides the sandbox setup's fields. Returns the owner."""
    from reminder_app.gateways import callback_url
    from reminder_app.models import ClickatellAccount, Generation
    from reminder_app.models.clickatell_account import new_callback_secret

    owner = make_practice(name, owner_email=owner_email, timezone=timezone)
    practice = owner.practice
    n = next(_numbers)
    number = long_number or f"+1415666{n % 10000:04d}"
    account = ClickatellAccount(
        practice=practice, generation=Generation.PLATFORM, mobile="+12015550142",
        callback_secret=new_callback_secret(), long_number=number, balance=credits,
        balance_checked_at=datetime.now(UTC))
    created = sandbox.create_platform_setup(**{
        "user": f"platform{n}x{practice.id}", "credits": credits, "number": number,
        "stop_handling": True, "status_url": callback_url(account, "status"),
        "reply_url": callback_url(account, "inbound"), **(setup or {})})
    account.api_key = created["api_key"]
    db.session.add(account)
    db.session.commit()
    return owner


def one_record_of_each(practice) -> dict:
    """One record of each model a staff URL takes the id of, all of `practice` (which has a
    Clickatell account): for the tenancy and CSRF walks over every staff URL."""
    from reminder_app.auth.sessions import start_session
    from reminder_app.models import (
        ApiToken,
        AppointmentType,
        FreedSlot,
        Intent,
        Location,
        Message,
        PracticeKeyword,
        Recall,
        ReminderRule,
        StaffSession,
        WaitlistEntry,
    )
    from reminder_app.reminders.rules import rules_for
    from reminder_app.settings.service import create_api_token
    from reminder_app.waitlist import offers

    appointment = make_appointment(practice)
    keyword = PracticeKeyword(practice_id=practice.id, word="ven", intent=Intent.CONFIRM)
    entry = WaitlistEntry(practice_id=practice.id, patient=appointment.patient,
                          providers=[appointment.provider])
    db.session.add_all([keyword, entry])
    slot = offers.slot_freed(appointment, datetime.now(UTC))
    recall = Recall(practice_id=practice.id, patient=appointment.patient, reason="Check-up",
                    due_on=datetime.now(UTC).date())
    db.session.add(recall)
    staff = make_staff(practice)
    signed_in = start_session(staff, remember=False)
    token = create_api_token(practice, "PMS")[0]
    # The default rules, created here if need be, are committed with the rest: left open in
    # the test's session, they would hold up a request creating the same (on PostgreSQL).
    rule = rules_for(practice)[0]
    appointment_type = AppointmentType(practice_id=practice.id, name="Checkup")
    location = Location(practice_id=practice.id, name="North")
    db.session.add_all([appointment_type, location])
    db.session.commit()
    return {StaffUser: staff, StaffSession: signed_in, Patient: appointment.patient,
            Provider: appointment.provider, Appointment: appointment,
            ApiToken: token,
            Message: make_sent_text(practice, patient=appointment.patient),
            PracticeKeyword: keyword, ReminderRule: rule,
            WaitlistEntry: entry, FreedSlot: slot,
            AppointmentType: appointment_type, Location: location,
            Recall: recall}


#: Who acts in tests that call the services directly (views pass the signed-in user).
STAFF = Actor(ActorKind.STAFF, None, "Test Staff")
