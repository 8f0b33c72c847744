"""Accounts as the Connect API manages them: registration, activation by e-mail and by SMS,
log-in with Clickatell's captcha lock-outs, API connections, credit.

Functions validate everything before they change anything, so a caller may commit after an
error: what is kept then is only what must be (a burnt captcha, a counted failed login).
"""

from __future__ import annotations

import ipaddress
import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from . import messages
from .captcha import new_code
from .catalog import (
    ACCOUNT_TYPES,
    CALLBACK_TYPES,
    CONNECTION_TYPES,
    US_COUNTRY_ID,
    country_id_or_none,
)
from .config import Settings
from .errors import ConnectError
from .storage import (
    Account,
    Captcha,
    Connection,
    Email,
    LoginFailure,
    LongNumber,
    OneTimeLink,
    utcnow,
)

USERNAME = re.compile(r"^[A-Za-z0-9]{1,128}$")
PASSWORD = re.compile(r"^[A-Za-z0-9]{6,32}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")
MOBILE = re.compile(r"^[0-9]{1,30}$")
USER_LOCK_AFTER = 2
IP_LOCK_AFTER = 10
MAX_ACTIVATION_SMS = 5
API_ID_BASE = 3_500_000
# The sandbox keeps throw-away test credentials; a light hash keeps every request fast.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def is_email(value: str) -> bool:
    return len(value) <= 64 and bool(EMAIL.match(value))


def _flag(params: dict[str, str], name: str, code: str, default: str = "0") -> bool:
    """A 0/1 parameter; anything else is the given error."""
    value = params.get(name) or default
    if value not in {"0", "1"}:
        raise ConnectError(code)
    return value == "1"


# --- captchas -------------------------------------------------------------------------------


def issue_captcha(session: Session) -> Captcha:
    captcha = Captcha(code=new_code())
    session.add(captcha)
    session.flush()
    return captcha


def verify_captcha(
    session: Session,
    settings: Settings,
    params: dict[str, str],
    now: datetime,
    *,
    redeem: bool,
) -> Captcha:
    """Check `captcha_id` + `captcha_code`. A wrong code burns the captcha (402 afterwards);
    `redeem` marks a correct one used (403 afterwards)."""
    captcha_id = (params.get("captcha_id") or "").lower()
    captcha = session.get(Captcha, captcha_id) if captcha_id else None
    if captcha is None:
        raise ConnectError("400")
    if captcha.state == "redeemed":
        raise ConnectError("403")
    expires = captcha.created_at + timedelta(seconds=settings.captcha_ttl_seconds)
    if captcha.state == "failed" or now >= expires:
        raise ConnectError("402")
    if (params.get("captcha_code") or "").upper() != captcha.code:
        captcha.state = "failed"
        raise ConnectError("401")
    if redeem:
        captcha.state = "redeemed"
    return captcha


# --- log-in and lock-outs -----------------------------------------------------------------


def _failures(session: Session, key: str) -> LoginFailure:
    row = session.get(LoginFailure, key)
    if row is None:
        row = LoginFailure(key=key, count=0)
        session.add(row)
    return row


def lockout_code(session: Session, user: str, ip: str) -> str | None:
    """003 while one IP has 10 failed logins, 004 while one user has 2, until a success."""
    by_ip = session.get(LoginFailure, f"ip:{ip}")
    if by_ip is not None and by_ip.count >= IP_LOCK_AFTER:
        return "003"
    by_user = session.get(LoginFailure, f"user:{user}")
    if by_user is not None and by_user.count >= USER_LOCK_AFTER:
        return "004"
    return None


def login(
    session: Session, settings: Settings, params: dict[str, str], ip: str, now: datetime
) -> Account:
    """The account named by `user` + `password`; a captcha is demanded only under a lock-out."""
    user, password = params.get("user") or "", params.get("password") or ""
    if not user:
        raise ConnectError("431")
    if not password:
        raise ConnectError("432")
    lock = lockout_code(session, user, ip)
    if lock is not None:
        if not params.get("captcha_id"):
            raise ConnectError(lock)
        verify_captcha(session, settings, params, now, redeem=True)
    account = session.scalar(select(Account).where(Account.username == user))
    if account is None or not check_password_hash(account.password_hash, password):
        _failures(session, f"user:{user}").count += 1
        _failures(session, f"ip:{ip}").count += 1
        raise ConnectError("404")
    _failures(session, f"user:{user}").count = 0
    _failures(session, f"ip:{ip}").count = 0
    return account


def require_email_activated(account: Account) -> None:
    if not account.email_activated:
        raise ConnectError("103", {"Email": account.email})


def require_sms_activated(account: Account) -> None:
    if not account.sms_activated:
        raise ConnectError("104", {"Cellphone": account.mobile})


# --- registration and e-mail activation -----------------------------------------------------


@dataclass(frozen=True)
class Registration:
    user: str
    password: str
    first_name: str
    surname: str
    email: str
    mobile: str
    country_id: int
    account_type_id: int
    company: str
    activation_redirect: str | None
    test_mode: bool


def validate_registration(session: Session, params: dict[str, str]) -> Registration:
    """Every rule of `register`, in the order of the protocol's table; raises ConnectError."""
    user = params.get("user") or ""
    if not USERNAME.match(user):
        raise ConnectError("431")
    if session.scalar(select(Account.id).where(Account.username == user)) is not None:
        raise ConnectError("439")
    password = params.get("password") or ""
    if not PASSWORD.match(password):
        raise ConnectError("432")
    first_name, surname = params.get("fname") or "", params.get("sname") or ""
    if not first_name or len(first_name) > 80:
        raise ConnectError("433")
    if not surname or len(surname) > 80:
        raise ConnectError("434")
    email = params.get("email_address") or ""
    if not is_email(email):
        raise ConnectError("416")
    mobile = params.get("mobile_number") or ""
    if not MOBILE.match(mobile):
        raise ConnectError("417")
    country_id = country_id_or_none(params.get("country_id"))
    if country_id is None:
        raise ConnectError("406")
    accept_terms = params.get("accept_terms") or "0"
    if accept_terms == "0":
        raise ConnectError("410")
    if accept_terms != "1":
        raise ConnectError("409")
    account_type = params.get("account_id") or "1"
    if not account_type.isdigit() or int(account_type) not in ACCOUNT_TYPES:
        raise ConnectError("412")
    test_mode = _flag(params, "test_mode", "411")
    force_create = _flag(params, "force_create", "413")
    _flag(params, "email_format", "407")
    _flag(params, "weekly_update", "408")
    company = params.get("company") or "Personal Use"
    if len(company) > 80:
        raise ConnectError("435")
    redirect = params.get("activation_redirect") or None
    if redirect is not None and not is_http_url(redirect):
        raise ConnectError("415")
    if params.get("coupon_code"):
        raise ConnectError("109")  # the sandbox has no coupons
    if not force_create:
        same_email = select(Account.id).where(func.lower(Account.email) == email.lower())
        if session.scalar(same_email) is not None:
            raise ConnectError("105")
    return Registration(
        user=user,
        password=password,
        first_name=first_name,
        surname=surname,
        email=email,
        mobile=mobile,
        country_id=country_id,
        account_type_id=int(account_type),
        company=company,
        activation_redirect=redirect,
        test_mode=test_mode,
    )


def register(
    session: Session, settings: Settings, registration: Registration, base_url: str
) -> Account:
    """Create the account (not yet activated) with its free credit and mail the activation link."""
    account = Account(
        username=registration.user,
        password_hash=generate_password_hash(registration.password, PASSWORD_HASH_METHOD),
        first_name=registration.first_name,
        surname=registration.surname,
        company=registration.company,
        email=registration.email,
        mobile=registration.mobile,
        country_id=registration.country_id,
        account_type_id=registration.account_type_id,
        credit=settings.free_credits,
        activation_token=secrets.token_urlsafe(24),
        activation_redirect=registration.activation_redirect,
    )
    session.add(account)
    session.flush()
    mail_activation_link(session, account, base_url)
    return account


def activation_url(account: Account, base_url: str) -> str:
    return f"{base_url}sandbox/activate/{account.activation_token}"


def mail_activation_link(session: Session, account: Account, base_url: str) -> Email:
    link = activation_url(account, base_url)
    email = Email(
        account_id=account.id,
        to=account.email,
        subject="Activate your Clickatell account",
        body=(
            f"Hello {account.first_name},\n\n"
            f"Thank you for registering the Clickatell account '{account.username}'.\n"
            f"Open this link to activate it:\n\n{link}\n\nThe Clickatell team"
        ),
        activation_url=link,
    )
    session.add(email)
    return email


def activate_email(session: Session, token: str, now: datetime) -> Account | None:
    """The account of an activation link, activated (a second click changes nothing)."""
    account = session.scalar(select(Account).where(Account.activation_token == token))
    if account is not None and account.email_activated_at is None:
        account.email_activated_at = now
    return account


def resend_activation(
    session: Session, account: Account, new_email: str | None, base_url: str
) -> Email:
    """Mail the link again; a new address replaces the old one, with a fresh link."""
    if account.email_activated:
        raise ConnectError("107")
    if new_email is not None:
        if not is_email(new_email):
            raise ConnectError("416")
        if new_email != account.email:
            account.email = new_email
            account.activation_token = secrets.token_urlsafe(24)
    return mail_activation_link(session, account, base_url)


def reset_password(session: Session, user: str, email: str) -> None:
    """`forgot_password`: a new password, e-mailed to the account's address."""
    account = session.scalar(select(Account).where(Account.username == user))
    if account is None or account.email.lower() != email.lower():
        raise ConnectError("405")
    alphabet = string.ascii_letters + string.digits
    password = "".join(secrets.choice(alphabet) for _ in range(10))
    account.password_hash = generate_password_hash(password, PASSWORD_HASH_METHOD)
    session.add(
        Email(
            account_id=account.id,
            to=account.email,
            subject="Your new Clickatell password",
            body=f"Hello {account.first_name},\n\nYour new password is: {password}\n",
        )
    )


# --- SMS activation ---------------------------------------------------------------------------


def send_activation_sms(session: Session, account: Account, new_mobile: str | None) -> str:
    """Text a fresh code to the owner's mobile (a new number given replaces the old one)."""
    require_email_activated(account)
    if account.sms_activated:
        raise ConnectError("108")
    if new_mobile is not None and not MOBILE.match(new_mobile):
        raise ConnectError("417")
    if account.sms_sends >= MAX_ACTIVATION_SMS:
        raise ConnectError("102")
    if new_mobile is not None:
        account.mobile = new_mobile
    account.sms_sends += 1
    account.sms_code = messages.new_activation_code()
    messages.send_system_sms(
        session, account.mobile, f"Your Clickatell activation code is {account.sms_code}"
    )
    return account.sms_code


def validate_activation_sms(
    session: Session, account: Account, code: str | None, now: datetime
) -> None:
    if account.sms_activated:
        raise ConnectError("108")
    require_email_activated(account)
    if not code or account.sms_code is None or code.strip() != account.sms_code:
        raise ConnectError("418")
    account.sms_activated_at = now


# --- connections and credit ------------------------------------------------------------------


def _small_int(raw: str | None, default: int, allowed, code: str) -> int:
    value = raw or str(default)
    if not value.isdigit() or int(value) not in allowed:
        raise ConnectError(code)
    return int(value)


def create_connection(session: Session, account: Account, params: dict[str, str]) -> Connection:
    """An API connection with its delivery-report callback; the answer's `api_id` comes from it."""
    require_email_activated(account)
    connection_type = _small_int(params.get("connection_id"), 2, CONNECTION_TYPES, "419")
    description = params.get("api_description") or ""
    if len(description) > 200:
        raise ConnectError("428")
    addresses = [ip.strip() for ip in (params.get("ip_address") or "").split(",") if ip.strip()]
    try:
        for address in addresses:
            ipaddress.ip_address(address)
    except ValueError:
        raise ConnectError("422") from None
    dial_prefix = params.get("dial_prefix") or ""
    if dial_prefix and not (dial_prefix.isdigit() and len(dial_prefix) <= 10):
        raise ConnectError("421")
    callback_url = params.get("callback_url") or None
    if callback_url is not None and not is_http_url(callback_url):
        raise ConnectError("423")
    callback_type = _small_int(params.get("callback_type_id"), 0, CALLBACK_TYPES, "424")
    username = params.get("callback_username") or None
    if username is not None and len(username) > 64:
        raise ConnectError("425")
    password = params.get("callback_password") or None
    if password is not None and len(password) > 64:
        raise ConnectError("426")
    connection = Connection(
        account_id=account.id,
        connection_type_id=connection_type,
        description=description,
        ip_addresses=",".join(addresses),
        dial_prefix=dial_prefix,
        callback_url=callback_url,
        callback_type_id=callback_type,
        callback_username=username,
        callback_password=password,
    )
    session.add(connection)
    session.flush()
    connection.api_id = API_ID_BASE + connection.id
    return connection


def new_link(session: Session, account: Account, purpose: str, data: dict) -> OneTimeLink:
    link = OneTimeLink(
        token=secrets.token_urlsafe(24), purpose=purpose, account_id=account.id, data=data
    )
    session.add(link)
    return link


def open_link(session: Session, token: str, purpose: str) -> OneTimeLink | None:
    """An unused link of that purpose, or None."""
    link = session.get(OneTimeLink, token)
    if link is None or link.purpose != purpose or link.used_at is not None:
        return None
    return link


def buy_credits(session: Session, link: OneTimeLink, amount: int, now: datetime) -> Account:
    account = session.get_one(Account, link.account_id)
    account.credit = round(account.credit + amount, 6)
    link.used_at = now
    return account


# --- accounts made directly by the test API --------------------------------------------------


def create_ready_account(session: Session, settings: Settings, data: dict) -> dict:
    """An activated account with a connection (and a long number if asked): a demo in one call.

    Raises ValueError naming the bad field.
    """
    user = str(data.get("user") or "")
    password = str(data.get("password") or "")
    email = str(data.get("email") or f"{user}@example.com")
    mobile = str(data.get("mobile") or "").removeprefix("+")
    account_type = int(data.get("account_id") or 1)
    checks = {
        "user": bool(USERNAME.match(user)),
        "password": bool(PASSWORD.match(password)),
        "email": is_email(email),
        "mobile": not mobile or bool(MOBILE.match(mobile)),
        "account_id": account_type in ACCOUNT_TYPES,
    }
    for name, valid in checks.items():
        if not valid:
            raise ValueError(f"invalid {name}")
    if session.scalar(select(Account.id).where(Account.username == user)) is not None:
        raise ValueError("user exists")
    now = utcnow()
    account = Account(
        username=user,
        password_hash=generate_password_hash(password, PASSWORD_HASH_METHOD),
        first_name=str(data.get("fname") or user),
        surname=str(data.get("sname") or "Sandbox"),
        email=email,
        mobile=mobile,
        country_id=int(data.get("country_id") or US_COUNTRY_ID),
        account_type_id=account_type,
        credit=float(data["credits"]) if data.get("credits") is not None else settings.free_credits,
        activation_token=secrets.token_urlsafe(24),
        email_activated_at=now,
        sms_activated_at=now,
    )
    session.add(account)
    session.flush()
    params = {
        key: str(data[key])
        for key in ("callback_url", "callback_type_id", "callback_username", "callback_password")
        if data.get(key) is not None
    }
    try:
        connection = create_connection(session, account, params)
    except ConnectError as error:
        raise ValueError(f"invalid connection setting ({error})") from None
    long_number = None
    if data.get("long_number"):
        long_number = messages.normalise_msisdn(str(data["long_number"]))
        if long_number is None or session.get(LongNumber, long_number) is not None:
            raise ValueError("invalid or taken long_number")
        mo_callback = data.get("mo_callback_url")
        if mo_callback is not None and not is_http_url(str(mo_callback)):
            raise ValueError("invalid mo_callback_url")
        session.add(
            LongNumber(
                number=long_number,
                account_id=account.id,
                api_id=connection.api_id,
                mo_callback_url=mo_callback,
                mo_method=str(data.get("mo_method") or "POST").upper(),
            )
        )
    return {
        "user": account.username,
        "usernumber": account.user_number,
        "api_id": connection.api_id,
        "credits": account.credit,
        "long_number": long_number,
    }


def describe(session: Session, account: Account) -> dict:
    """An account as the test API and the accounts page show it."""
    connections = session.scalars(
        select(Connection).where(Connection.account_id == account.id).order_by(Connection.id)
    ).all()
    numbers = session.scalars(
        select(LongNumber).where(LongNumber.account_id == account.id).order_by(LongNumber.number)
    ).all()
    return {
        "user": account.username,
        "usernumber": account.user_number,
        "email": account.email,
        "mobile": account.mobile,
        "account_id": account.account_type_id,
        "account_type": ACCOUNT_TYPES.get(account.account_type_id, "?"),
        "email_activated": account.email_activated,
        "sms_activated": account.sms_activated,
        "credits": account.credit,
        "connections": [
            {
                "api_id": connection.api_id,
                "callback_url": connection.callback_url,
                "callback_type_id": connection.callback_type_id,
            }
            for connection in connections
        ],
        "long_numbers": [
            {"number": number.number, "mo_callback_url": number.mo_callback_url}
            for number in numbers
        ],
    }
