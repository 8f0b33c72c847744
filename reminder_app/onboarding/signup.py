"""Sign a practice up: our own records and a Clickatell account, in one go, never half-done.

The order of events is what makes it safe. The sign-up view, an edge, runs it in two
steps and owns the commits (services never commit):

1. `begin_sign_up`: check what we can locally (e-mail and username not already ours), then write a
   `PendingRegistration`. The view commits it, *before* asking Clickatell.
2. `finish_sign_up`: `register` at Clickatell (captcha, terms, account type, activation redirect),
   then create the practice (with its default reminder rules), its owner and the account
   record, and delete the pending row, in the view's second transaction.

If step 3 fails with a Clickatell error, the pending row is deleted and nothing is stored.
If its answer never arrives, or step 4 fails, the pending row stays behind; the next
submit with that username finds it and asks Clickatell whether the account exists with
this password (`authenticate_user`). If it does, we adopt it instead of registering twice.

Sign-up never signs anyone in to an existing account, and only the browser that started a
sign-up can resume it: the pending row keeps a hash of a proof held in that browser's signed
session. Refusals that could help a guesser (a username or e-mail already here, a resume
without the proof, a wrong password on resume) count towards the sign-in throttle of
`auth.service`, per username and per address, and are said only behind the captcha
(`prove_captcha`): Clickatell checks it first, in test mode, and we then spend it, so each
answer that tells whether an address or username is ours costs a solved picture.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.service import (
    TooManyAttempts,
    check_not_throttled,
    normalise_email,
    record_attempt,
)
from ..clickatell import (
    ClickatellError,
    GatewayUnavailable,
    Registration,
    connect_error_meaning,
)
from ..extensions import db
from ..gateways import connect_client, public_url
from ..models import (
    ClickatellAccount,
    LoginAttempt,
    PendingRegistration,
    StaffUser,
)
from ..models.staff import hash_token
from ..models.types import utcnow
from ..reminders.practice_rules import add_default_rules
from .practices import EMAIL_TAKEN, NewPractice, email_taken, practice_and_owner

#: Clickatell's register parameters → the sign-up form's fields.
FORM_FIELD_FOR = {
    "user": "username",
    "password": "password",
    "fname": "first_name",
    "sname": "surname",
    "email_address": "email",
    "mobile_number": "mobile",
    "country_id": "clickatell_country",
    "account_id": "account_type",
    "accept_terms": "accept_terms",
    "captcha_id": "captcha_code",
    "captcha_code": "captcha_code",
    "company": "practice_name",
}

EMAIL_EXISTS_AT_CLICKATELL = "105"
NOT_EMAIL_ACTIVATED = "103"
CAPTCHA_REQUIRED = frozenset({"003", "004"})


@dataclass(frozen=True)
class SignUp(NewPractice):
    username: str
    clickatell_country: int
    account_type: int
    accept_terms: bool
    captcha_id: str
    captcha_code: str
    force_create: bool = False

    def __repr__(self) -> str:
        return f"SignUp(username={self.username!r}, email={self.email!r}, ...)"


class SignUpError(Exception):
    """The sign-up did not go through; `message` is for the person, next to `field`."""

    def __init__(self, message: str, field: str | None = None, *, code: str | None = None,
                 counts_as_failure: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        #: A refusal that tells a guesser something, and so counts towards the throttle.
        self.counts_as_failure = counts_as_failure

    @property
    def offers_force_create(self) -> bool:
        return self.code == EMAIL_EXISTS_AT_CLICKATELL


def throttle_key(username: str) -> str:
    """Sign-up refusals are counted like failed sign-ins, under a key no e-mail can equal."""
    return f"signup:{username}"


def begin_sign_up(details: SignUp, *, proof: str, address: str = "",
          now: datetime | None = None) -> StaffUser | None:
    """The first step: the owner, when an account Clickatell already made for an earlier
    submit from this browser is adopted; otherwise None, with the username reserved by a
    `PendingRegistration` that the caller must commit before calling `finish_sign_up`.

    `proof` is a secret of this browser's session; `address` is the client's, for throttling.
    Refusals are recorded as failed attempts, which the caller (the view) commits.
    """
    now = now or utcnow()
    email = normalise_email(details.email)
    key = throttle_key(details.username)
    try:
        check_not_throttled(key, address, known_device=False, now=now)
    except TooManyAttempts as refusal:
        raise SignUpError(str(refusal)) from refusal
    try:
        check_captcha_not_spent(details)
        check_not_ours_already(details, email)
        pending = db.session.scalar(
            select(PendingRegistration).where(PendingRegistration.username == details.username))
        if pending is not None:
            email_activated = adopt_if_registered(details, pending, proof, now)
            if email_activated is not None:
                return create_records(details, email, email_activated_at=now if email_activated
                                      else None)
    except SignUpError as refusal:
        if refusal.counts_as_failure:
            record_attempt(key, address, False, now)
            prove_captcha(details, email, address, now)
        raise
    reserve(details, email, proof, now)
    return None


def finish_sign_up(details: SignUp, *, now: datetime | None = None) -> StaffUser:
    """The second step, once the reservation is committed: register at Clickatell and
    create our records. A refusal leaves the reservation marked unanswered or removed, which
    the caller commits."""
    now = now or utcnow()
    email = normalise_email(details.email)
    register_at_clickatell(details, email, now)
    return create_records(details, email, email_activated_at=None)


def check_not_ours_already(details: SignUp, email: str) -> None:
    """Never sign anyone in here, not even with the right password: that would make sign-up a
    second, unthrottled sign-in."""
    if db.session.scalar(select(ClickatellAccount.id).where(
            ClickatellAccount.username == details.username)):
        raise SignUpError("That username is already taken. Choose another, or sign in if "
                          "this practice is yours.", "username", counts_as_failure=True)
    if email_taken(email):
        raise SignUpError(EMAIL_TAKEN, "email", counts_as_failure=True)


#: Clickatell's answers to a captcha that is missing, wrong, expired or already used.
CAPTCHA_ERRORS = frozenset({"400", "401", "402", "403"})


def spent_captcha_key(captcha_id: str) -> str:
    """A captcha we spent, kept as a sign-in attempt under a key no e-mail can equal."""
    return f"captcha:{captcha_id.lower()}"


def check_captcha_not_spent(details: SignUp) -> None:
    """A captcha that already paid for a refusal here is not accepted again (Clickatell's
    test mode leaves it usable, so we remember it ourselves)."""
    if db.session.scalar(select(LoginAttempt.id).where(
            LoginAttempt.email == spent_captcha_key(details.captcha_id))):
        raise SignUpError(connect_error_meaning("403"), "captcha_code", code="403")


def prove_captcha(details: SignUp, email: str, address: str, now: datetime) -> None:
    """Before a refusal that tells whether a username or e-mail is ours: have Clickatell
    check the captcha (`register` in test mode, which creates nothing), then spend it.

    A wrong, expired or used captcha is answered as it would be for anyone (the refusal is
    not said); any other answer means the picture was solved (Clickatell checks it before
    the details), and the caller's refusal may be said. Sign-up refusals are rare for real
    people, so the extra round trip is only theirs, never a normal sign-up's.
    """
    try:
        with connect_client() as client:
            client.register(registration(details, email, test_mode=True))
    except GatewayUnavailable as error:
        raise SignUpError(unavailable_message()) from error
    except ClickatellError as error:
        if error.code in CAPTCHA_ERRORS:
            raise SignUpError(error.meaning, "captcha_code", code=error.code) from error
    record_attempt(spent_captcha_key(details.captcha_id), address, True, now)


def adopt_if_registered(details: SignUp, pending: PendingRegistration, proof: str,
                        now: datetime) -> bool | None:
    """Ask Clickatell whether an earlier submit from this browser already made this account.

    Returns whether it is e-mail activated if it exists with this password, None if not
    (the pending row is then dropped and a normal registration follows).
    """
    longest_call = timedelta(seconds=current_app.config["CLICKATELL_READ_TIMEOUT"] + 5)
    if pending.in_flight(now, longest_call):
        raise SignUpError("We are still creating this account from your first click. "
                          "Wait a few seconds and submit again; it will not be created twice.")
    if pending.proof_hash is None or not hmac.compare_digest(pending.proof_hash,
                                                             hash_token(proof)):
        raise SignUpError("A sign-up with this username was started in another browser. "
                          "Finish it there, or choose another username.", "username",
                          counts_as_failure=True)
    try:
        with connect_client() as client:
            try:
                client.authenticate_user(details.username, details.password)
            except ClickatellError as error:
                if error.code not in CAPTCHA_REQUIRED:
                    raise
                client.authenticate_user(details.username, details.password,
                                         captcha=(details.captcha_id, details.captcha_code))
        activated = True
    except GatewayUnavailable as error:
        raise SignUpError(unavailable_message()) from error
    except ClickatellError as error:
        if error.code != NOT_EMAIL_ACTIVATED:
            db.session.delete(pending)
            db.session.flush()  # before the reservation `begin` writes under the same name
            return None
        activated = False
    current_app.logger.info("sign-up for %s adopts the account Clickatell already made",
                            details.username)
    return activated


def reserve(details: SignUp, email: str, proof: str, now: datetime) -> None:
    """The username's `PendingRegistration`: a second submit finds it and waits or adopts."""
    try:
        with db.session.begin_nested():
            db.session.add(PendingRegistration(username=details.username, email=email,
                                               started_at=now, proof_hash=hash_token(proof)))
    except IntegrityError as error:
        raise SignUpError("We are still creating this account from your first click. "
                          "Wait a few seconds and submit again; it will not be created "
                          "twice.") from error


def register_at_clickatell(details: SignUp, email: str, now: datetime) -> None:
    try:
        with connect_client() as client:
            client.register(registration(details, email))
    except GatewayUnavailable as error:
        if error.maybe_processed:
            mark_unanswered(details.username, now)
        else:
            forget_pending(details.username)
        raise SignUpError(unavailable_message()) from error
    except ClickatellError as error:
        forget_pending(details.username)
        raise SignUpError(error.meaning, FORM_FIELD_FOR.get(error.field or ""),
                          code=error.code) from error


def registration(details: SignUp, email: str, *, test_mode: bool = False) -> Registration:
    """Clickatell's `register` call for this sign-up (`test_mode`: only check it)."""
    return Registration(
        user=details.username, password=details.password, fname=details.first_name,
        sname=details.surname, email_address=email, country_id=details.clickatell_country,
        mobile_number=details.mobile, captcha_id=details.captcha_id,
        captcha_code=details.captcha_code, accept_terms=details.accept_terms,
        account_id=details.account_type, company=details.practice_name,
        activation_redirect=public_url("/onboarding/activated"),
        force_create=details.force_create, test_mode=test_mode,
    )


def create_records(details: SignUp, email: str,
                   email_activated_at: datetime | None) -> StaffUser:
    owner = practice_and_owner(details, email)
    practice = owner.practice
    account = ClickatellAccount(
        practice=practice, username=details.username, email=email, mobile=details.mobile,
        country_id=details.clickatell_country, account_type=details.account_type,
        email_activated_at=email_activated_at)
    account.password = details.password
    try:
        with db.session.begin_nested():
            db.session.add_all([practice, owner, account])
            db.session.flush()  # the practice's id, for its rules
            add_default_rules(practice)  # so no page has to create them while showing them
            db.session.execute(delete(PendingRegistration).where(
                PendingRegistration.username == details.username))
    except Exception as error:
        current_app.logger.exception("sign-up for %s: Clickatell accepted it, our records "
                                     "could not be written", details.username)
        raise SignUpError("Your Clickatell account was created, but we could not save your "
                          "practice. Submit the form again to finish; nothing will be "
                          "created twice.") from error
    return owner


def mark_unanswered(username: str, now: datetime) -> None:
    db.session.execute(update(PendingRegistration).where(
        PendingRegistration.username == username).values(unanswered_at=now))


def forget_pending(username: str) -> None:
    db.session.execute(delete(PendingRegistration).where(
        PendingRegistration.username == username))


def unavailable_message() -> str:
    return ("Clickatell is not answering right now, so your account could not be created. "
            "Please try again in a minute; nothing has been set up twice.")
