"""Clickatell's Connect API: sign a practice up and set up its account on its behalf.

One method per action. Each POSTs the form field `XML` to `<base_url>/<token>` and returns
a small typed result, or raises `ClickatellError` carrying Clickatell's code, the plain
meaning, the context values and the form field the error concerns.

List and lookup actions are repeated when no answer came; actions that change something
(register, send an SMS, create a connection…) never are, and neither is any call that
carries a captcha (a captcha can be redeemed once).
"""

from __future__ import annotations

import urllib.parse
from dataclasses import asdict, dataclass
from typing import Final

import requests

from . import codes
from ._numbers import without_formatting
from .errors import ClickatellError, ErrorDetail, ProtocolError
from .transport import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, Transport
from .xml import MAX_ANSWER_BYTES, ConnectAnswer, build_request, parse_answer

__all__ = [
    "TWO_WAY_NUMBER",
    "AccountType",
    "CallbackType",
    "Captcha",
    "ConnectClient",
    "ConnectionType",
    "Country",
    "CountryPrefix",
    "Registration",
    "SmsActivation",
]

#: A solved captcha as the caller passes it: (captcha_id, captcha_code).
CaptchaAnswer = tuple[str, str]


@dataclass(frozen=True, slots=True)
class AssumedAction:
    """An action whose name and parameters no public document gives (see TWO_WAY_NUMBER)."""

    action: str
    country_param: str
    return_url_param: str
    callback_url_param: str
    result_field: str


#: ASSUMED, not confirmed: Clickatell's two-way long-number application call. The seed
#: article describes a Connect call that returns the URL of the page where a user applies
#: for a two-way number, but no public document names the action or its parameters. These
#: are the names the protocol file (and so the sandbox) chose: `callback_url` is where
#: replies to the number are to be pushed. Correct them here, and only here, once the real
#: names are known.
TWO_WAY_NUMBER: Final = AssumedAction(
    action="two_way_number_url",
    country_param="country_id",
    return_url_param="return_url",
    callback_url_param="callback_url",
    result_field="apply_url",
)

#: Actions that change nothing at Clickatell: safe to repeat when no answer came.
IDEMPOTENT_ACTIONS: Final = frozenset({
    "get_list_country",
    "get_list_country_prefix",
    "get_list_account",
    "get_captcha",
    "get_list_terms",
    "get_list_callback",
    "get_list_connection",
    "authenticate_user",
    "sms_activation_status",
    "buy_credits_url",
})


@dataclass(frozen=True, slots=True)
class Country:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class CountryPrefix:
    country_id: int
    prefix: str


@dataclass(frozen=True, slots=True)
class AccountType:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class CallbackType:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ConnectionType:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Captcha:
    id: str
    png: bytes


@dataclass(frozen=True, slots=True)
class SmsActivation:
    activated: bool
    cellphone: str | None
    user_number: str | None = None


@dataclass(frozen=True, slots=True)
class Registration:
    """The `register` request. `mobile_number` may be E.164 ('+1…'); it is sent without the
    '+' and punctuation. Values are not validated here: Clickatell's answer (431–439, 416,
    417, …) names the field, in the same words for every rule."""

    user: str
    password: str
    fname: str
    sname: str
    email_address: str
    country_id: int
    mobile_number: str
    captcha_id: str
    captcha_code: str
    accept_terms: bool = True
    account_id: int = codes.DEFAULT_ACCOUNT_TYPE
    company: str | None = None
    test_mode: bool = False
    activation_redirect: str | None = None
    force_create: bool = False
    email_format: int | None = None
    weekly_update: bool | None = None
    coupon_code: str | None = None

    def __repr__(self) -> str:  # keep the password out of logs and tracebacks
        return f"Registration(user={self.user!r}, email_address={self.email_address!r}, ...)"

    def params(self) -> dict[str, object]:
        params = asdict(self)
        params["mobile_number"] = without_formatting(self.mobile_number)
        # Flags Clickatell reads as "1 = yes" are only sent when set.
        for flag in ("test_mode", "force_create"):
            params[flag] = 1 if params[flag] else None
        params["accept_terms"] = 1 if self.accept_terms else 0
        return params


def _int(value: str | None, *, action: str, name: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ProtocolError(f"{name} is not a number", action=action) from None


class ConnectClient:
    """Talks to `<base_url>/<token>`, e.g. https://connect.clickatell.com/<32 hex>."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        retries: int = 2,
        backoff: float = 0.25,
        max_bytes: int = MAX_ANSWER_BYTES,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        if not token or "/" in token or not token.isascii():
            raise ValueError("the Connect token must be a single URL segment")
        self.base_url = base_url.rstrip("/")
        self._url = f"{self.base_url}/{token}"
        self._max_bytes = max_bytes
        self._transport = Transport(timeout=timeout, retries=retries, backoff=backoff,
                                    session=session, max_bytes=max_bytes, deadline=deadline)

    def __repr__(self) -> str:
        return f"ConnectClient({self.base_url!r}, token=<hidden>)"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> ConnectClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ the one call

    def call(self, action: str, params: dict[str, object] | None = None, *,
             captcha: CaptchaAnswer | None = None) -> ConnectAnswer:
        """Send one action; return the successful answer or raise ClickatellError."""
        params = dict(params or {})
        if captcha is not None:
            captcha_id, captcha_code = captcha
            params.update(captcha_id=captcha_id, captcha_code=captcha_code)
        idempotent = action in IDEMPOTENT_ACTIONS and "captcha_code" not in params
        body = self._transport.post(
            self._url,
            {"XML": build_request(action, params)},
            action=action,
            idempotent=idempotent,
            log_url=f"{self.base_url}/<token>",
        )
        answer = parse_answer(body, max_bytes=self._max_bytes)
        if answer.ok:
            return answer
        raise self._error(action, answer)

    @staticmethod
    def _error(action: str, answer: ConnectAnswer) -> ClickatellError:
        details = tuple(
            ErrorDetail(code, codes.connect_error_meaning(code), description,
                        codes.REGISTER_FIELD_FOR_ERROR.get(code))
            for code, description in answer.errors
        )
        first = details[0]
        return ClickatellError(
            first.meaning,
            action=action,
            code=first.code,
            description=first.description,
            values=answer.context,
            retryable=first.code in codes.RETRYABLE_CONNECT_ERRORS,
            field=first.field,
            details=details,
        )

    def _rows(self, action: str) -> list[dict[str, str]]:
        return self.call(action).values

    # ------------------------------------------------------------------ lists

    def get_list_country(self) -> list[Country]:
        action = "get_list_country"
        return [Country(_int(row.get("country_id"), action=action, name="country_id"),
                        row.get("name", ""))
                for row in self._rows(action)]

    def get_list_country_prefix(self) -> list[CountryPrefix]:
        action = "get_list_country_prefix"
        return [CountryPrefix(_int(row.get("country_id"), action=action, name="country_id"),
                              row.get("prefix", ""))
                for row in self._rows(action)]

    def get_list_account(self) -> list[AccountType]:
        action = "get_list_account"
        return [AccountType(_int(row.get("account_id"), action=action, name="account_id"),
                            row.get("account_type", ""))
                for row in self._rows(action)]

    def get_list_callback(self) -> list[CallbackType]:
        action = "get_list_callback"
        return [CallbackType(_int(row.get("callback_type_id"), action=action,
                                  name="callback_type_id"),
                             row.get("callback_type", ""))
                for row in self._rows(action)]

    def get_list_connection(self) -> list[ConnectionType]:
        action = "get_list_connection"
        return [ConnectionType(_int(row.get("connection_type_id"), action=action,
                                    name="connection_type_id"),
                               row.get("connection_type", ""))
                for row in self._rows(action)]

    def get_captcha(self) -> Captcha:
        answer = self.call("get_captcha")
        captcha_id = answer.first("captcha_id")
        image = answer.first("captcha_image")
        if not captcha_id or not image:
            raise ProtocolError("captcha answer without id or image", action="get_captcha")
        return Captcha(captcha_id, urllib.parse.unquote_to_bytes(image))

    def get_list_terms(self, country_id: int = 0, client_ip_address: str | None = None,
                       terms_format: int | None = None) -> str:
        """The URL of Clickatell's terms for a country (0 = decide from the IP address)."""
        answer = self.call("get_list_terms", {
            "country_id": country_id,
            "client_ip_address": client_ip_address,
            "terms_format": terms_format,
        })
        return self._required(answer, "URL_location", "get_list_terms")

    # ------------------------------------------------------------------ sign-up

    def register(self, registration: Registration | None = None, /, **fields: object
                 ) -> None:
        """Create the account (or, with test_mode, only check the details).

        Pass a Registration or its fields as keywords. Clickatell then e-mails the user an
        activation link.
        """
        if registration is None:
            registration = Registration(**fields)  # type: ignore[arg-type]
        elif fields:
            raise TypeError("pass a Registration or keywords, not both")
        self.call("register", registration.params())

    def resend_email_activation(self, user: str, password: str,
                                email_address: str | None = None,
                                captcha: CaptchaAnswer | None = None) -> None:
        """Send the activation e-mail again, to `email_address` if given (it replaces the
        address on the account)."""
        self.call("resend_email_activation",
                  {"user": user, "password": password, "email_address": email_address},
                  captcha=captcha)

    def forgot_password(self, user: str, email_address: str, captcha: CaptchaAnswer) -> None:
        """Clickatell e-mails a new password to the account's address."""
        self.call("forgot_password", {"user": user, "email_address": email_address},
                  captcha=captcha)

    def authenticate_user(self, user: str, password: str,
                          captcha: CaptchaAnswer | None = None) -> str:
        """Check the login; return Clickatell's user number. 103 until e-mail-activated."""
        answer = self.call("authenticate_user", {"user": user, "password": password},
                           captcha=captcha)
        return self._required(answer, "Usernumber", "authenticate_user")

    def sms_activation_status(self, user: str, password: str,
                              captcha: CaptchaAnswer | None = None) -> SmsActivation:
        try:
            answer = self.call("sms_activation_status", {"user": user, "password": password},
                               captcha=captcha)
        except ClickatellError as error:
            if error.code == "104":  # "not SMS activated" is an answer, not a failure
                cellphone = next((v for k, v in error.values.items()
                                  if k.lower() == "cellphone"), None)
                return SmsActivation(False, cellphone)
            raise
        return SmsActivation(True, answer.first("Cellphone"), answer.first("UserNumber"))

    def send_activation_sms(self, user: str, password: str,
                            mobile_number: str | None = None,
                            captcha: CaptchaAnswer | None = None) -> None:
        """Text an activation code to the account's mobile (or to a new `mobile_number`)."""
        self.call("send_activation_sms", {
            "user": user,
            "password": password,
            "mobile_number": without_formatting(mobile_number) if mobile_number else None,
        }, captcha=captcha)

    def validate_activation_sms(self, user: str, password: str, code: str,
                                captcha: CaptchaAnswer | None = None) -> None:
        self.call("validate_activation_sms",
                  {"user": user, "password": password, "sms_activation_code": code.strip()},
                  captcha=captcha)

    # ------------------------------------------------------------------ set-up

    def create_connection(
        self,
        user: str,
        password: str,
        *,
        callback_url: str,
        callback_type_id: int = 1,
        connection_id: int = 2,
        api_description: str | None = None,
        callback_username: str | None = None,
        callback_password: str | None = None,
        ip_address: str | None = None,
        captcha: CaptchaAnswer | None = None,
    ) -> str:
        """Create an HTTP API connection reporting deliveries to `callback_url`; return its
        `api_id`, which the messaging API needs."""
        answer = self.call("create_connection", {
            "user": user,
            "password": password,
            "connection_id": connection_id,
            "api_description": api_description,
            "ip_address": ip_address,
            "callback_url": callback_url,
            "callback_type_id": callback_type_id,
            "callback_username": callback_username,
            "callback_password": callback_password,
        }, captcha=captcha)
        api_id = self._required(answer, "api_id", "create_connection")
        if not api_id.isdigit():
            raise ProtocolError("api_id is not a number", action="create_connection")
        return api_id

    def buy_credits_url(self, user: str, password: str,
                        captcha: CaptchaAnswer | None = None) -> str:
        """A link that logs the user into Clickatell's credit-purchase page."""
        answer = self.call("buy_credits_url", {"user": user, "password": password},
                           captcha=captcha)
        return self._required(answer, "buy_url", "buy_credits_url")

    def two_way_number_url(
        self,
        user: str,
        password: str,
        *,
        country_id: int | None = None,
        return_url: str | None = None,
        callback_url: str | None = None,
        captcha: CaptchaAnswer | None = None,
    ) -> str:
        """The page where the user applies for a two-way long number; replies to the number
        will be pushed to `callback_url`. ASSUMED action: see TWO_WAY_NUMBER."""
        spec = TWO_WAY_NUMBER
        answer = self.call(spec.action, {
            "user": user,
            "password": password,
            spec.country_param: country_id,
            spec.return_url_param: return_url,
            spec.callback_url_param: callback_url,
        }, captcha=captcha)
        return self._required(answer, spec.result_field, spec.action)

    @staticmethod
    def _required(answer: ConnectAnswer, name: str, action: str) -> str:
        value = answer.first(name)
        if not value:
            raise ProtocolError(f"answer has no {name}", action=action)
        return value
