"""One function per Connect action: read the parameters, call the account services, return the
records of the `<Values>` element (an empty list answers `<Values/>`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_from_bytes, urlencode

from sqlalchemy.orm import Session

from .. import accounts, twoway
from ..captcha import render_png
from ..catalog import (
    ACCOUNT_TYPES,
    CALLBACK_TYPES,
    CONNECTION_TYPES,
    COUNTRIES,
    country_for_ip,
    country_id_or_none,
)
from ..errors import ConnectError
from ..runtime import Sandbox
from ..storage import Account

Records = list[dict[str, object]]


@dataclass
class Call:
    """One Connect request as the actions see it."""

    sandbox: Sandbox
    session: Session
    params: dict[str, str]
    ip: str
    base_url: str
    now: datetime

    def login(self) -> Account:
        return accounts.login(self.session, self.sandbox.settings, self.params, self.ip, self.now)

    def check_captcha(self, *, redeem: bool) -> None:
        accounts.verify_captcha(
            self.session, self.sandbox.settings, self.params, self.now, redeem=redeem
        )


def get_list_country(call: Call) -> Records:
    return [{"country_id": country.id, "name": country.name} for country in COUNTRIES]


def get_list_country_prefix(call: Call) -> Records:
    return [{"country_id": country.id, "prefix": country.prefix} for country in COUNTRIES]


def get_list_account(call: Call) -> Records:
    return [{"account_id": key, "account_type": name} for key, name in ACCOUNT_TYPES.items()]


def get_list_callback(call: Call) -> Records:
    return [
        {"callback_type_id": key, "callback_type": name} for key, name in CALLBACK_TYPES.items()
    ]


def get_list_connection(call: Call) -> Records:
    return [
        {"connection_type_id": key, "connection_type": name}
        for key, name in CONNECTION_TYPES.items()
    ]


def get_captcha(call: Call) -> Records:
    captcha = accounts.issue_captcha(call.session)
    return [{"captcha_id": captcha.id, "captcha_image": quote_from_bytes(render_png(captcha.code))}]


def get_list_terms(call: Call) -> Records:
    """Terms by country, or by the client's IP address when the country is 0 or absent."""
    terms_format = call.params.get("terms_format") or "1"
    if terms_format not in {"1", "2"}:
        raise ConnectError("427")
    raw_country = call.params.get("country_id") or ""
    if raw_country and raw_country != "0":
        country_id = country_id_or_none(raw_country)
        if country_id is None:
            raise ConnectError("406")
    else:
        client_ip = call.params.get("client_ip_address") or ""
        if not client_ip and not raw_country:
            raise ConnectError("429")
        try:
            address = str(ipaddress.ip_address(client_ip or call.ip))
        except ValueError:
            raise ConnectError("429") from None
        country_id = country_for_ip(address).id
    query = urlencode(
        {"country_id": country_id, "format": "html" if terms_format == "2" else "text"}
    )
    return [{"URL_location": f"{call.base_url}sandbox/terms?{query}"}]


def register(call: Call) -> Records:
    """Always behind a captcha; `test_mode=1` validates everything and keeps the captcha usable."""
    call.check_captcha(redeem=False)
    registration = accounts.validate_registration(call.session, call.params)
    if registration.test_mode:
        return []
    call.check_captcha(redeem=True)
    accounts.register(call.session, call.sandbox.settings, registration, call.base_url)
    return []


def resend_email_activation(call: Call) -> Records:
    account = call.login()
    new_email = call.params.get("email_address") or None
    accounts.resend_activation(call.session, account, new_email, call.base_url)
    return []


def forgot_password(call: Call) -> Records:
    call.check_captcha(redeem=False)
    user, email = call.params.get("user") or "", call.params.get("email_address") or ""
    if not user:
        raise ConnectError("431")
    if not email:
        raise ConnectError("416")
    accounts.reset_password(call.session, user, email)
    call.check_captcha(redeem=True)
    return []


def authenticate_user(call: Call) -> Records:
    account = call.login()
    accounts.require_email_activated(account)
    return [{"Usernumber": account.user_number}]


def sms_activation_status(call: Call) -> Records:
    account = call.login()
    accounts.require_sms_activated(account)
    return [{"Cellphone": account.mobile, "UserNumber": account.user_number}]


def send_activation_sms(call: Call) -> Records:
    account = call.login()
    accounts.send_activation_sms(call.session, account, call.params.get("mobile_number") or None)
    return []


def validate_activation_sms(call: Call) -> Records:
    account = call.login()
    code = call.params.get("sms_activation_code")
    accounts.validate_activation_sms(call.session, account, code, call.now)
    return []


def create_connection(call: Call) -> Records:
    account = call.login()
    connection = accounts.create_connection(call.session, account, call.params)
    return [{"api_id": connection.api_id}]


def buy_credits_url(call: Call) -> Records:
    account = call.login()
    accounts.require_sms_activated(account)
    link = accounts.new_link(call.session, account, "buy", {})
    return [{"buy_url": f"{call.base_url}sandbox/buy/{link.token}"}]


ACTIONS: dict[str, Callable[[Call], Records]] = {
    action.__name__: action
    for action in (
        get_list_country,
        get_list_country_prefix,
        get_list_account,
        get_captcha,
        get_list_terms,
        register,
        resend_email_activation,
        forgot_password,
        authenticate_user,
        sms_activation_status,
        send_activation_sms,
        validate_activation_sms,
        get_list_callback,
        get_list_connection,
        create_connection,
        buy_credits_url,
    )
}
ACTIONS[twoway.ACTION] = twoway.two_way_number_url
