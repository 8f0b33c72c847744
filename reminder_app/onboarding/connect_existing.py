""""I already have a Clickatell account": connect a Platform SMS setup (One API) by its key.

Beside the Connect sign-up (which makes a legacy Central account for the practice), a practice
whose Clickatell account lives on the Platform pastes its setup's API key and two-way number.
The key is checked at once (a balance read), stored encrypted (`ClickatellAccount.api_key`,
`crypto.py`) and never logged; pasting another replaces it, and the next send already uses it
(every dispatcher pass builds its gateway from the account row). Whether the number is the
setup's own, and whether a sandbox setup may text the owner, only a send can tell: the test
text does, in plain words.

Creating a practice this way has the sign-up's safety: it never signs anyone in to an existing
account (an e-mail already here is refused), refusals that could help a guesser (a known
e-mail, a number already connected, a key Clickatell refuses) count towards the sign-in
throttle per e-mail and per address, and the form carries its CSRF token. Nothing here
commits: the views do.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..auth.service import TooManyAttempts, check_not_throttled, normalise_email, record_attempt
from ..clickatell import Balance, ClickatellError, GatewayUnavailable, Remedy, codes
from ..extensions import db
from ..gateways import callback_url, gateway_for, platform_client
from ..models import ClickatellAccount, Generation, Practice, StaffUser
from ..models.types import utcnow
from ..reminders.practice_rules import add_default_rules
from .practices import EMAIL_TAKEN, NewPractice, email_taken, practice_and_owner

UNAVAILABLE = ("Clickatell is not answering right now, so the key could not be checked. "
               "Nothing was changed; please try again in a minute.")

#: One API error codes → what the practice should do, in its words (fact sheet §5.3).
PLAIN_WORDS = {
    "1": ("Clickatell does not accept this API key. Copy it again from your SMS setup in "
          "the portal (My Workspace), or make sure the setup was not deleted."),
    "2": "Your Clickatell account is not active. Contact Clickatell.",
    "3": "This SMS setup is not active. Switch it on in the Clickatell portal.",
    "7": ("Your Clickatell account only accepts some internet addresses, and not this "
          "server's. Allow it in the portal's security settings."),
    "20": ("Your Clickatell account has no credit. Buy credit in the portal; reminders go "
           "out as soon as it is there."),
    "28": ("This SMS setup is a sandbox: it can only text the test phones verified in the "
           "portal. Verify this mobile as a test phone, or move the setup to production."),
    "38": "SMS is not switched on for this SMS setup. Switch it on in the portal.",
    "39": "This SMS setup cannot send SMS. Create a two-way SMS setup with the One API.",
    "44": "The two-way number is suspended. Check its subscription in the portal.",
    "45": ("This number is not linked to the SMS setup whose key you pasted. Link it in the "
           "portal (two-way settings), or enter the setup's own number."),
    "46": "The Clickatell demo has expired. Move the setup to production in the portal.",
    "110": "Texts to US numbers need a two-way SMS setup with your number linked to it.",
    "111": ("Texts to US numbers need STOP/SUBSCRIBE handling: switch it on in the SMS "
            "setup's two-way settings."),
}


class ConnectError(Exception):
    """The key or number cannot be used; `message` is for the person, next to `field`."""

    def __init__(self, message: str, field: str | None = None, *,
                 counts_as_failure: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.counts_as_failure = counts_as_failure


def in_plain_words(error: ClickatellError) -> str:
    if isinstance(error, GatewayUnavailable):
        return UNAVAILABLE
    return PLAIN_WORDS.get(error.code or "", error.meaning)


def check_key(api_key: str) -> Balance:
    """Ask Clickatell for the balance with this key: proof that the key is a live one."""
    try:
        with platform_client(api_key) as client:
            return client.balance()
    except ClickatellError as error:
        raise ConnectError(in_plain_words(error), "api_key",
                           counts_as_failure=error.code == "1") from error


def check_number_free(number: str, practice: Practice | None) -> None:
    """Patients' replies find their practice by this number: it can be only one's."""
    taken = db.session.scalar(select(ClickatellAccount.practice_id).where(
        ClickatellAccount.long_number == number))
    if taken is not None and (practice is None or taken != practice.id):
        raise ConnectError("This number is already connected to another practice here.",
                           "number", counts_as_failure=True)


def connect(practice: Practice, *, api_key: str, number: str, mobile: str,
            now: datetime | None = None) -> ClickatellAccount:
    """Connect the practice to the Platform setup with this key, or replace its key and
    number; the old key is not used again. Returns the account (the caller commits)."""
    now = now or utcnow()
    account = practice.clickatell_account
    if account is not None and not account.on_platform:
        raise ConnectError("This practice's Clickatell account was made here, on Clickatell's "
                           "older Central system; it cannot be swapped for a Platform key.")
    check_number_free(number, practice)
    balance = check_key(api_key)
    if account is None:
        account = ClickatellAccount(practice=practice, generation=Generation.PLATFORM)
        db.session.add(account)
    account.api_key = api_key
    account.long_number = number
    account.mobile = mobile
    account.held_reason = None  # a fresh key: what held the old one is no longer known
    account.balance = balance.amount
    account.balance_checked_at = now
    return account


@dataclass(frozen=True)
class ExistingAccountSignUp(NewPractice):
    api_key: str
    number: str

    def __repr__(self) -> str:  # never the key or the password
        return f"ExistingAccountSignUp(email={self.email!r}, number={self.number!r}, ...)"


def throttle_key(email: str) -> str:
    """Counted like failed sign-ins, under a key no e-mail can equal."""
    return f"signup-platform:{email}"


def sign_up(details: ExistingAccountSignUp, *, address: str = "",
            now: datetime | None = None) -> StaffUser:
    """Create the practice, its owner and its Platform account; return the owner (the
    caller commits, signs them in, and commits the refusals counted here too)."""
    now = now or utcnow()
    email = normalise_email(details.email)
    key = throttle_key(email)
    try:
        check_not_throttled(key, address, known_device=False, now=now)
    except TooManyAttempts as refusal:
        raise ConnectError(str(refusal)) from refusal
    try:
        if email_taken(email):
            raise ConnectError(EMAIL_TAKEN, "email", counts_as_failure=True)
        check_number_free(details.number, None)
        balance = check_key(details.api_key)
    except ConnectError as refusal:
        if refusal.counts_as_failure:
            record_attempt(key, address, False, now)
        raise
    owner = practice_and_owner(details, email)
    practice = owner.practice
    account = ClickatellAccount(
        practice=practice, generation=Generation.PLATFORM, mobile=details.mobile,
        long_number=details.number, balance=balance.amount, balance_checked_at=now)
    account.api_key = details.api_key
    db.session.add_all([practice, owner, account])
    db.session.flush()  # the practice's id, for its rules
    add_default_rules(practice)  # as the Connect sign-up does: no page creates them later
    return owner


def send_test_text(account: ClickatellAccount, mobile: str) -> str:
    """Text `mobile` from the practice's number; return Clickatell's message id. A refusal
    that concerns the whole setup is recorded as its hold (the checklist shows it), and a
    text that went out lifts any earlier one: key and number work."""
    gateway = gateway_for(account)
    try:
        result = gateway.send(mobile, f"Hello from {account.practice.name}! Your appointment "
                              "reminders are ready to go. (Test message)",
                              sender=account.long_number)
    except ClickatellError as error:
        if error.remedy is Remedy.HOLD_PRACTICE and not codes.is_no_credit(error.code):
            account.held_reason = error.meaning
        raise ConnectError(in_plain_words(error)) from error
    finally:
        gateway.close()
    account.held_reason = None
    return result.api_message_id


def callback_urls(account: ClickatellAccount) -> dict[str, str]:
    """The two URLs to paste into the SMS setup: status reports, and patients' replies."""
    return {"status": callback_url(account, "status"),
            "inbound": callback_url(account, "inbound")}
