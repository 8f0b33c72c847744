"""The onboarding checklist: each step of a practice's Clickatell set-up, as Clickatell says.

No step is ever ticked by hand: the app asks Clickatell (when the page is shown and in a
scheduled check) and records what it answers, in the caller's transaction: the checklist's
views and the scheduled check commit it.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from ..clickatell import ClickatellError, GatewayUnavailable, codes
from ..extensions import db
from ..gateways import callback_url, connect_client, gateway_for
from ..models import ClickatellAccount, Generation
from ..models.clickatell_account import sending_blocker
from ..models.types import utcnow
from ..phones import InvalidPhoneNumber, to_e164

NOT_EMAIL_ACTIVATED = "103"
HTTP_POST_CALLBACK = 1


class OnboardingError(Exception):
    """A step that could not be taken; the message is for the person."""


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    detail: str


def gateway_call(action):
    """Run one Clickatell call, turning its failures into a message for the person."""
    try:
        return action()
    except GatewayUnavailable as error:
        raise OnboardingError("Clickatell is not answering right now. Nothing was changed; "
                              "please try again in a minute.") from error
    except ClickatellError as error:
        raise OnboardingError(error.meaning) from error


def steps(account: ClickatellAccount) -> list[Step]:
    """The steps that apply to the account: a Platform account was made in Clickatell's
    portal, so it has no activation steps, and its callbacks are pasted there by hand."""
    if account.on_platform:
        return platform_steps(account)
    return [
        Step("registered", "Registered with Clickatell", True,
             f"Clickatell username: {account.username}"),
        Step("email", "Activate the account from the e-mail", account.is_active,
             f"We sent an activation link to {account.email}."),
        Step("mobile", "Verify your mobile number", account.sms_activated_at is not None,
             f"Clickatell texts a code to {account.mobile}."),
        Step("connection", "Messaging connection", account.api_id is not None,
             f"Connection {account.api_id} is set up." if account.api_id else
             "Created for you as soon as the account is activated."),
        number_step(account, "Apply for a US long number that patients can reply to."),
        credit_step(account, "Messaging credits", "Balance: {:.2f} credits.",
                    "Buy credits to send reminders."),
    ]


def platform_steps(account: ClickatellAccount) -> list[Step]:
    return [
        Step("key", "API key of your SMS setup", account.held_reason is None,
             account.held_reason or "Clickatell accepted the key."),
        number_step(account, "The number linked to your two-way SMS setup."),
        credit_step(account, "Messaging credit", "Balance: {:.2f}.",
                    "Buy credit in the Clickatell portal to send reminders."),
        Step("callbacks", "Callbacks received", account.status_callback_at is not None,
             "Clickatell's status reports reach this app." if account.status_callback_at
             else "Paste the two callback URLs into your SMS setup; this turns green at "
                  "the first status report (send a test text)."),
    ]


def number_step(account: ClickatellAccount, how_to_get_one: str) -> Step:
    """The two-way number patients reply to: how each generation gets one differs."""
    return Step("number", "Two-way number", account.long_number is not None,
                f"Patients reply to {account.long_number}." if account.long_number else
                how_to_get_one)


def credit_step(account: ClickatellAccount, title: str, balance_text: str,
                how_to_buy: str) -> Step:
    """Credit to send with: Central counts credits, the Platform a money balance."""
    balance = account.balance
    return Step("credits", title, has_credit(account),
                balance_text.format(balance) if balance is not None else how_to_buy)


def account_type_name(account: ClickatellAccount | None) -> str:
    info = codes.ACCOUNT_TYPES.get(account.account_type) if account else None
    return info.name if info else ""


def has_credit(account: ClickatellAccount) -> bool:
    return account.balance is not None and account.balance > 0


def is_ready(account: ClickatellAccount | None) -> bool:
    return account is not None and all(step.done for step in steps(account))


def is_low_on_credit(account: ClickatellAccount | None) -> bool:
    return (account is not None and account.balance is not None
            and account.balance < account.low_balance_threshold)


# ---------------------------------------------------------------- e-mail activation

def refresh_activation(account: ClickatellAccount, now: datetime | None = None) -> bool:
    """Ask Clickatell whether the e-mail link was followed; set up the connection once it was.

    Quiet about an unreachable provider: the page still shows, and the next look asks again.
    """
    if not account.is_active:
        try:
            with connect_client() as client:
                client.authenticate_user(account.username, account.password)
        except ClickatellError as error:
            if error.code != NOT_EMAIL_ACTIVATED:
                current_app.logger.warning("activation check for %s: %s", account.username,
                                           error)
            return False
        account.email_activated_at = now or utcnow()
    if not account.api_id:
        try:
            ensure_connection(account)
        except OnboardingError as error:
            current_app.logger.warning("connection for %s: %s", account.username, error)
    return True


def refresh_pending_activations(now: datetime | None = None) -> int:
    """The scheduled check: every account still waiting for its activation link."""
    waiting = db.session.scalars(select(ClickatellAccount).where(
        ClickatellAccount.generation == Generation.CENTRAL,
        (ClickatellAccount.email_activated_at.is_(None)) | (ClickatellAccount.api_id.is_(None))
    )).all()
    return sum(refresh_activation(account, now) for account in waiting)


def resend_activation(account: ClickatellAccount, new_email: str | None = None) -> str:
    """Send the activation e-mail again, to a corrected address if given; return the address."""
    if account.is_active:
        raise OnboardingError("The account is already activated.")
    address = new_email or account.email
    with connect_client() as client:
        gateway_call(lambda: client.resend_email_activation(
            account.username, account.password, email_address=new_email or None))
    account.email = address
    return address


# ---------------------------------------------------------------- mobile verification

def send_sms_code(account: ClickatellAccount, mobile: str | None = None) -> str:
    if account.sms_activated_at:
        raise OnboardingError("Your mobile number is already verified.")
    number = mobile or account.mobile
    with connect_client() as client:
        gateway_call(lambda: client.send_activation_sms(
            account.username, account.password, mobile_number=mobile or None))
    account.mobile = number
    return number


def verify_sms_code(account: ClickatellAccount, code: str, now: datetime | None = None) -> None:
    with connect_client() as client:
        gateway_call(lambda: client.validate_activation_sms(
            account.username, account.password, code))
    account.sms_activated_at = now or utcnow()


def refresh_sms_activation(account: ClickatellAccount, now: datetime | None = None) -> bool:
    if account.sms_activated_at or not account.is_active:
        return account.sms_activated_at is not None
    try:
        with connect_client() as client:
            status = client.sms_activation_status(account.username, account.password)
    except ClickatellError:
        return False
    if status.activated:
        account.sms_activated_at = now or utcnow()
    return status.activated


# ---------------------------------------------------------------- messaging connection

def ensure_connection(account: ClickatellAccount) -> str:
    """Create the HTTP API connection that reports deliveries to us; keep its api_id."""
    if account.api_id:
        return account.api_id
    with connect_client() as client:
        api_id = gateway_call(lambda: client.create_connection(
            account.username, account.password,
            callback_url=callback_url(account, "status"),
            callback_type_id=HTTP_POST_CALLBACK,
            api_description=f"reminder-app: {account.practice.name}"[:50]))
    account.api_id = api_id
    return api_id


# ---------------------------------------------------------------- two-way number

def number_application_url(account: ClickatellAccount, return_url: str,
                           now: datetime | None = None) -> str:
    if not account.is_active:
        raise OnboardingError("Activate the account from the e-mail first.")
    with connect_client() as client:
        url = gateway_call(lambda: client.two_way_number_url(
            account.username, account.password, country_id=account.country_id,
            return_url=return_url, callback_url=callback_url(account, "inbound")))
    account.number_requested_at = now or utcnow()
    return url


def record_number(account: ClickatellAccount, number: str) -> str:
    """Keep the number Clickatell assigned, as E.164."""
    try:
        e164 = to_e164(number if number.startswith("+") else f"+{number}", "US")
    except InvalidPhoneNumber as error:
        raise OnboardingError("Clickatell sent back a number we cannot read.") from error
    taken = db.session.scalar(select(ClickatellAccount.id).where(
        ClickatellAccount.long_number == e164, ClickatellAccount.id != account.id))
    if taken:
        raise OnboardingError("That number belongs to another practice.")
    account.long_number = e164
    return e164


# ---------------------------------------------------------------- credits

def refresh_balance(account: ClickatellAccount, now: datetime | None = None) -> Decimal:
    if not account.on_platform and not account.api_id:
        raise OnboardingError("The messaging connection is not set up yet.")
    gateway = gateway_for(account)
    try:
        balance = gateway_call(gateway.balance).amount
    finally:
        gateway.close()
    account.balance = balance
    account.balance_checked_at = now or utcnow()
    # Clickatell answered with the stored credentials: lift a hold its refusal put on the
    # account (a send puts it back, uncounted, if the cause is still there).
    account.held_reason = None
    return balance


def buy_credits_url(account: ClickatellAccount) -> str:
    with connect_client() as client:
        return gateway_call(lambda: client.buy_credits_url(account.username, account.password))


def set_low_balance_threshold(account: ClickatellAccount, threshold: Decimal) -> None:
    account.low_balance_threshold = threshold


# ---------------------------------------------------------------- ready

def send_test_sms(account: ClickatellAccount) -> str:
    """Text the owner's mobile from the practice's number; return Clickatell's message id."""
    if blocker := sending_blocker(account):
        raise OnboardingError(blocker.reason)
    text = (f"Hello from {account.practice.name}! Your appointment reminders are ready to go. "
            "(Test message)")
    gateway = gateway_for(account)
    try:
        result = gateway_call(lambda: gateway.send(account.mobile, text,
                                                    sender=account.long_number))
    finally:
        gateway.close()
    return result.api_message_id
