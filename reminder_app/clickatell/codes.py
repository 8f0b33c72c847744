"""Clickatell's code tables, as data.

Everything the provider answers with a number is explained here once: Connect API error
codes, messaging API error codes (and whether retrying can help), message status codes
(with a coarse state for the app and an order so a late report never moves a message
backwards), account types, callback levels and types, and connection types.

The meanings are written for the person who runs a doctor's office, not for a developer:
they are shown on screen as they are. Source: /work/shared/clickatell-api.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

__all__ = [
    "NO_CREDIT_ERRORS",
    "is_no_credit",
    "ONE_API_ERRORS",
    "ONE_API_STATUSES",
    "ACCOUNT_TYPES",
    "CALLBACK_LEVELS",
    "CALLBACK_TYPES",
    "CONNECTION_TYPES",
    "CONNECT_ERRORS",
    "DEFAULT_ACCOUNT_TYPE",
    "MESSAGE_STATUSES",
    "MESSAGING_ERRORS",
    "PERMANENT_MESSAGING_ERRORS",
    "REGISTER_FIELD_FOR_ERROR",
    "RETRYABLE_CONNECT_ERRORS",
    "SESSION_ERRORS",
    "STATES",
    "TRANSIENT_MESSAGING_ERRORS",
    "AccountTypeInfo",
    "StatusInfo",
    "connect_error_meaning",
    "is_later_status",
    "messaging_error_is_permanent",
    "messaging_error_meaning",
    "messaging_error_remedy",
    "normalise_code",
    "one_api_error",
    "one_api_status",
    "OneApiError",
    "Remedy",
    "status_info",
    "status_meaning",
]


def normalise_code(code: str | int) -> str:
    """Clickatell codes are three digits with leading zeros: 4, "4" and "004" are "004"."""
    text = str(code).strip()
    if not text.isdigit() or not text.isascii() or len(text) > 3:
        raise ValueError(f"not a Clickatell code: {code!r}")
    return text.zfill(3)


# --------------------------------------------------------------------------- Connect API

CONNECT_ERRORS: Final = MappingProxyType({
    "001": "Done.",
    "002": "Clickatell is refusing requests from this server's internet address. "
           "Contact support.",
    "003": "Too many failed sign-ins from this location. Type the characters shown in the "
           "picture to continue.",
    "004": "Too many failed sign-ins for this username. Type the characters shown in the "
           "picture to continue.",
    "005": "This application's link to Clickatell is not set up correctly. Contact support.",
    "006": "This Clickatell account is not active.",
    "007": "Clickatell does not allow this request for this account.",
    "008": "Account set-up through this application is switched off at Clickatell. "
           "Contact support.",
    "009": "The connection to Clickatell must be secure (HTTPS). Contact support.",
    "100": "Clickatell has blocked this mobile number. Use another mobile number.",
    "101": "Clickatell cannot send text messages to this mobile number's country or network.",
    "102": "Too many activation texts were requested. Wait a while, then try again.",
    "103": "The account is not activated yet. Open the activation link Clickatell e-mailed "
           "to you, then try again.",
    "104": "The mobile number is not confirmed yet. Enter the code Clickatell sent to it "
           "by text message.",
    "105": "A Clickatell account already uses this e-mail address. Sign in with that "
           "account, or confirm that you want a second account.",
    "106": "Clickatell cannot create an account with these details.",
    "107": "This account is already activated. You can sign in.",
    "108": "This mobile number is already confirmed.",
    "109": "That coupon code cannot be used.",
    "400": "The picture check is missing. Type the characters from the new picture.",
    "401": "The characters typed do not match the picture. Try again with the new picture.",
    "402": "The picture check has expired. Type the characters from the new picture.",
    "403": "That picture was already used. Type the characters from the new picture.",
    "404": "The username or password is wrong.",
    "405": "The username and e-mail address do not match an account.",
    "406": "Choose a country.",
    "407": "The e-mail format choice is not valid.",
    "408": "The weekly update choice is not valid.",
    "409": "You need to accept Clickatell's terms to continue.",
    "410": "You need to accept Clickatell's terms to continue.",
    "411": "The 'check only' setting is not valid.",
    "412": "Choose a valid account type.",
    "413": "The 'create another account' setting is not valid.",
    "414": "Some of the sign-up details are missing or not valid. Check the form.",
    "415": "The address to return to after activation is not valid.",
    "416": "Enter a valid e-mail address (at most 64 characters).",
    "417": "Enter a valid mobile number in international form, digits only "
           "(for example 15551234567).",
    "418": "The confirmation code is wrong. Check the text message and try again.",
    "419": "The connection type is not valid.",
    "420": "The FTP password is missing or not valid.",
    "421": "The dialling prefix is not valid.",
    "422": "The internet address for the lock-down list is not valid.",
    "423": "The address Clickatell should report deliveries to is not valid.",
    "424": "The delivery report method is not valid.",
    "425": "The delivery report username is not valid.",
    "426": "The delivery report password is not valid.",
    "427": "The terms format is not valid.",
    "428": "The connection description is not valid.",
    "429": "Clickatell could not tell which country's terms apply. Choose a country.",
    "430": "Clickatell did not recognise the request. Contact support.",
    "431": "Enter a username: letters and digits only, at most 128 characters.",
    "432": "Enter a password of 6 to 32 letters and digits.",
    "433": "Enter your first name (at most 80 characters).",
    "434": "Enter your surname (at most 80 characters).",
    "435": "The company name is not valid.",
    "436": "The address to return to after activation is not valid.",
    "437": "That credit amount is not valid.",
    "438": "That Clickatell user is not valid.",
    "439": "That username is already taken at Clickatell. Choose another.",
    "440": "The username or password is wrong.",
    "999": "Clickatell had an unexpected problem. Try again in a few minutes.",
})

#: Connect errors that may go away by themselves: the same request can be tried later.
RETRYABLE_CONNECT_ERRORS: Final = frozenset({"999"})

#: The `register` parameter (and so the form field) each Connect error is about.
REGISTER_FIELD_FOR_ERROR: Final = MappingProxyType({
    "100": "mobile_number",
    "101": "mobile_number",
    "105": "email_address",
    "109": "coupon_code",
    "400": "captcha_code",
    "401": "captcha_code",
    "402": "captcha_code",
    "403": "captcha_code",
    "406": "country_id",
    "407": "email_format",
    "408": "weekly_update",
    "409": "accept_terms",
    "410": "accept_terms",
    "411": "test_mode",
    "412": "account_id",
    "413": "force_create",
    "415": "activation_redirect",
    "416": "email_address",
    "417": "mobile_number",
    "418": "sms_activation_code",
    "423": "callback_url",
    "424": "callback_type_id",
    "425": "callback_username",
    "426": "callback_password",
    "427": "terms_format",
    "428": "api_description",
    "429": "client_ip_address",
    "431": "user",
    "432": "password",
    "433": "fname",
    "434": "sname",
    "435": "company",
    "436": "activation_redirect",
    "439": "user",
})


def connect_error_meaning(code: str | int) -> str:
    """Plain words for a Connect API error code (unknown codes get a generic sentence)."""
    try:
        key = normalise_code(code)
    except ValueError:
        return f"Clickatell answered with an unknown error ({code})."
    return CONNECT_ERRORS.get(key, f"Clickatell answered with an unknown error ({key}).")


# ------------------------------------------------------------------------- messaging API

MESSAGING_ERRORS: Final = MappingProxyType({
    "001": "Clickatell did not accept the account's sign-in details.",
    "002": "Clickatell does not know this username or password.",
    "003": "The session with Clickatell expired.",
    "004": "The Clickatell account is frozen. Contact Clickatell.",
    "005": "The session with Clickatell is missing.",
    "007": "Clickatell refused this server's internet address (IP lock-down).",
    "101": "The message request was incomplete or not valid.",
    "102": "The message header was not valid.",
    "103": "Clickatell does not know this message.",
    "104": "Clickatell does not know this message.",
    "105": "The mobile number is not valid.",
    "106": "The sender number is not valid.",
    "107": "The message is empty.",
    "108": "The Clickatell connection (API ID) is not valid.",
    "109": "The message id is missing.",
    "113": "The message is too long.",
    "114": "Clickatell cannot deliver to this number's network.",
    "115": "The message expired before it could be delivered.",
    "116": "The message contains characters that cannot be sent.",
    "120": "The delivery time is not valid.",
    "121": "The recipient's number is blocked.",
    "122": "The recipient has opted out of text messages.",
    "123": "The sender number is not registered with Clickatell.",
    "128": "The number is no longer in service.",
    "130": "The sending limit was reached; sending resumes later.",
    "301": "The Clickatell account has no credits left. Buy credits to keep sending.",
    "302": "The message would cost more than the allowed credit.",
    "901": "Clickatell had an internal problem. The message will be tried again.",
})

#: The messaging errors that mean "ask again with a fresh session".
SESSION_ERRORS: Final = frozenset({"003", "005"})

#: Retrying the same request cannot fix these: the number, the text, the account or its
#: credit has to change first.
PERMANENT_MESSAGING_ERRORS: Final = frozenset({
    "001", "002", "004", "007",
    "101", "102", "103", "104", "105", "106", "107", "108", "109",
    "113", "114", "115", "116", "120", "121", "122", "123", "128",
    "301", "302",
})

#: These may pass: a later attempt with the same request can succeed.
TRANSIENT_MESSAGING_ERRORS: Final = frozenset({"003", "005", "130", "901"})


def messaging_error_meaning(code: str | int) -> str:
    """Plain words for a messaging API error code."""
    try:
        key = normalise_code(code)
    except ValueError:
        return f"Clickatell answered with an unknown error ({code})."
    return MESSAGING_ERRORS.get(key, f"Clickatell answered with an unknown error ({key}).")


def messaging_error_is_permanent(code: str | int) -> bool:
    """True unless the error is known to pass. Unknown codes count as permanent, so an
    unexpected answer stops a reminder instead of retrying it forever."""
    return normalise_code(code) not in TRANSIENT_MESSAGING_ERRORS


# ------------------------------------------------------------------- what to do about it


class Remedy(StrEnum):
    """What the dispatcher does about a refused text, the same for both generations."""

    #: The gateway or the route had a passing problem: send the same text again later.
    RETRY_LATER = "retry_later"
    #: Something about this text or this number: fail it now, retrying cannot help.
    FAIL_TEXT = "fail_text"
    #: Something about the practice's account (credit, key, number, setup): stop sending
    #: for the whole practice until someone fixes it; its texts wait.
    HOLD_PRACTICE = "hold_practice"
    #: The patient opted out at the gateway: record the opt-out, send nothing more.
    OPT_OUT = "opt_out"


_LEGACY_HOLDS = frozenset({"001", "002", "004", "007", "106", "108", "123", "301"})


def messaging_error_remedy(code: str | int) -> Remedy:
    """The dispatcher's class of a Central messaging error (unknown codes fail the text)."""
    key = normalise_code(code)
    if key in TRANSIENT_MESSAGING_ERRORS:
        return Remedy.RETRY_LATER
    if key == "122":
        return Remedy.OPT_OUT
    if key in _LEGACY_HOLDS:
        return Remedy.HOLD_PRACTICE
    return Remedy.FAIL_TEXT


# ----------------------------------------------------------- Platform One API errors


@dataclass(frozen=True, slots=True)
class OneApiError:
    code: int
    meaning: str
    remedy: Remedy
    #: The HTTP status the One API answers it with, and where it sits (global, message).
    http_status: int
    level: str


def _one_api_errors(*rows: tuple[int, int, str, Remedy, str]) -> MappingProxyType:
    return MappingProxyType({
        code: OneApiError(code, meaning, remedy, http, level)
        for code, http, level, remedy, meaning in rows
    })


_R, _F, _H, _O = Remedy.RETRY_LATER, Remedy.FAIL_TEXT, Remedy.HOLD_PRACTICE, Remedy.OPT_OUT

#: Every error of the One API table (clickatell-platform.md §5.3), in plain words.
ONE_API_ERRORS: Final = _one_api_errors(
    (1, 401, "global", _H, "Clickatell did not accept the practice's API key. It may have "
                           "been revoked: check the SMS setup."),
    (2, 400, "global", _H, "The Clickatell account is not active. Contact Clickatell."),
    (3, 400, "global", _H, "The Clickatell SMS setup is not active. Check it in the portal."),
    (7, 401, "global", _H, "Clickatell refused this server's internet address."),
    (18, 500, "both", _R, "Clickatell had an internal problem. The text will be tried again."),
    (19, 503, "both", _R, "Clickatell had an internal problem. The text will be tried again."),
    (20, 402, "message", _H, "The Clickatell account has no credit left. Buy credit to "
                             "keep sending."),
    (21, 400, "global", _F, "Clickatell could not read the request."),
    (22, 400, "global", _F, "Too many texts in one request."),
    (23, 400, "message", _F, "The text is missing something or has a value that is not "
                             "valid."),
    (24, 400, "message", _F, "The text is too long."),
    (25, 400, "message", _F, "The mobile number is not valid."),
    (26, 400, "message", _O, "The patient has opted out of text messages."),
    (27, 400, "message", _F, "This number cannot receive texts on this channel."),
    (28, 400, "message", _F, "The SMS setup is a sandbox: it can only text the verified "
                             "test phones."),
    (30, 400, "message", _F, "Clickatell does not support this kind of content."),
    (31, 400, "message", _F, "The attached file is too large."),
    (32, 400, "message", _F, "The request is too large."),
    (33, 400, "message", _F, "The attached file could not be found."),
    (38, 400, "message", _H, "SMS is not switched on for this SMS setup."),
    (39, 400, "message", _H, "SMS is not available on this SMS setup."),
    (40, 400, "message", _F, "The text uses a character set Clickatell does not support."),
    (41, 400, "global", _F, "Clickatell does not know this message."),
    (42, 400, "global", _F, "Clickatell does not allow this kind of request here."),
    (43, 400, "both", _R, "Sending too fast for Clickatell's limit; sending resumes later."),
    (44, 400, "message", _H, "The practice's number is suspended at Clickatell."),
    (45, 400, "message", _H, "The practice's number is not linked to its SMS setup."),
    (46, 400, "message", _H, "The Clickatell demo access has expired."),
    (100, 400, "message", _F, "The text is too long (too many parts)."),
    (101, 400, "message", _F, "This number cannot reply to texts (no two-way messaging)."),
    (110, 400, "message", _H, "US numbers need a two-way SMS setup with the practice's "
                              "number."),
    (111, 400, "message", _H, "US numbers need STOP/SUBSCRIBE handling switched on in the "
                              "SMS setup."),
)


def one_api_error(code: int | str) -> OneApiError:
    """The table row of a One API error; an unknown code fails the text (never loops)."""
    try:
        number = int(str(code).strip())
    except ValueError:
        number = -1
    known = ONE_API_ERRORS.get(number)
    if known is not None:
        return known
    return OneApiError(number, f"Clickatell answered with an unknown error ({code}).",
                       Remedy.FAIL_TEXT, 400, "message")


#: "No credit left", in each generation's numbering (Central 301, One API 20): the one hold
#: that a balance read lifts, so the app records it as a balance of 0, not as a hold reason.
NO_CREDIT_ERRORS: Final = frozenset({"301", "20"})


def is_no_credit(code: str | None) -> bool:
    return code in NO_CREDIT_ERRORS


# -------------------------------------------------------------------- message statuses

#: The coarse states the app stores for an outgoing message.
STATES: Final = ("queued", "sent", "delivered", "failed", "cancelled", "expired")


@dataclass(frozen=True, slots=True)
class StatusInfo:
    code: str
    meaning: str
    final: bool
    state: str
    #: Higher means later in a message's life; every final status shares the top rank.
    rank: int


_FINAL_RANK: Final = 9


def _status(code: str, meaning: str, state: str, rank: int) -> StatusInfo:
    return StatusInfo(code, meaning, rank == _FINAL_RANK, state, rank)


MESSAGE_STATUSES: Final = MappingProxyType({
    info.code: info
    for info in (
        _status("001", "Status not known yet", "queued", 0),
        _status("011", "Scheduled for later delivery", "queued", 1),
        _status("002", "Waiting to be sent", "queued", 2),
        _status("008", "Accepted by Clickatell", "queued", 3),
        _status("003", "Passed to the phone network", "sent", 4),
        _status("004", "Received by the patient's phone", "delivered", _FINAL_RANK),
        _status("005", "Not delivered: problem with the message", "failed", _FINAL_RANK),
        _status("006", "Cancelled before delivery", "cancelled", _FINAL_RANK),
        _status("007", "Not delivered: the phone network could not deliver it",
                "failed", _FINAL_RANK),
        _status("009", "Not delivered: no route to this number", "failed", _FINAL_RANK),
        _status("010", "Not delivered: expired", "expired", _FINAL_RANK),
        _status("012", "Not delivered: out of credit", "failed", _FINAL_RANK),
        _status("014", "Not delivered: sending limit reached", "failed", _FINAL_RANK),
    )
})


def status_info(code: str | int) -> StatusInfo:
    """The table row for a status code; an unknown code is a non-final 'queued' status
    ranked lowest, so it never overrides what we already know."""
    key = normalise_code(code)
    known = MESSAGE_STATUSES.get(key)
    if known is not None:
        return known
    return StatusInfo(key, f"Unknown status ({key})", False, "queued", 0)


def status_meaning(code: str | int) -> str:
    return status_info(code).meaning


#: One API status numbers and names (clickatell-platform.md §5.5) in the same terms as the
#: Central statuses above; `code` is the number as text.
ONE_API_STATUSES: Final = MappingProxyType({
    name: info
    for name, info in (
        ("UNKNOWN", _status("1", "Status not known yet", "queued", 0)),
        ("SCHEDULED", _status("3", "Scheduled for later delivery", "queued", 1)),
        ("QUEUED", _status("2", "Waiting to be sent", "queued", 2)),
        ("SENT_TO_SUPPLIER", _status("4", "Passed to the phone network", "sent", 4)),
        ("DEVICE_ACK", _status("5", "Received by the patient's phone", "delivered",
                               _FINAL_RANK)),
        ("READ", _status("6", "Read by the patient", "delivered", _FINAL_RANK)),
        ("EXPIRED", _status("20", "Not delivered: expired", "expired", _FINAL_RANK)),
        ("STOPPED_BY_USER", _status("21", "Cancelled before delivery", "cancelled",
                                    _FINAL_RANK)),
        ("STOPPED_BY_ADMIN", _status("22", "Stopped by Clickatell before delivery",
                                     "cancelled", _FINAL_RANK)),
        ("DELIVERY_FAILURE", _status("23", "Not delivered: the phone network could not "
                                           "deliver it", "failed", _FINAL_RANK)),
        ("EMULATED", _status("24", "Accepted by a test setup; no real text was sent",
                             "sent", _FINAL_RANK)),
        ("INSUFFICIENT_ACCOUNT_BALANCE", _status("25", "Not delivered: out of credit",
                                                 "failed", _FINAL_RANK)),
        ("VOLUME_LIMIT", _status("26", "Not delivered: sending limit reached", "failed",
                                 _FINAL_RANK)),
        ("VOLUME_LIMIT_DAILY", _status("27", "Not delivered: daily sending limit reached",
                                       "failed", _FINAL_RANK)),
        ("VOLUME_LIMIT_MONTHLY", _status("28", "Not delivered: monthly sending limit "
                                               "reached", "failed", _FINAL_RANK)),
        ("RECIPIENT_DOES_NOT_EXIST", _status("29", "Not delivered: the number does not "
                                                   "exist", "failed", _FINAL_RANK)),
        ("ROUTING_ERROR", _status("100", "Not delivered: no route to this number", "failed",
                                  _FINAL_RANK)),
    )
})
_ONE_API_BY_NUMBER: Final = {int(info.code): info for info in ONE_API_STATUSES.values()}


def one_api_status(name: str | None = None, number: int | None = None) -> StatusInfo:
    """A One API status by its name or number (the name wins: it is what a query
    answers). Unknown ones rank lowest and are not final, like unknown Central ones."""
    known = ONE_API_STATUSES.get((name or "").strip().upper())
    if known is None and number is not None:
        known = _ONE_API_BY_NUMBER.get(number)
    if known is not None:
        return known
    label = name or (str(number) if number is not None else "?")
    return StatusInfo(str(number or 0), f"Unknown status ({label})", False, "queued", 0)


def is_later_status(current: str | int | None, new: str | int) -> bool:
    """Should a report with status `new` replace the stored status `current`?

    Reports repeat and arrive out of order: only a status further along replaces the
    stored one, and once a final status is stored nothing replaces it.
    """
    if current is None:
        return True
    return status_info(new).rank > status_info(current).rank


# -------------------------------------------------------------------------- accounts


@dataclass(frozen=True, slots=True)
class AccountTypeInfo:
    id: int
    name: str
    description: str


ACCOUNT_TYPES: Final = MappingProxyType({
    info.id: info
    for info in (
        AccountTypeInfo(1, "International", "Sends to most countries; Clickatell's default."),
        AccountTypeInfo(2, "South Africa Only", "Sends to South African numbers only."),
        AccountTypeInfo(3, "UK Only", "Sends to United Kingdom numbers only."),
        AccountTypeInfo(4, "US Only (Enterprize)",
                        "Sends to US numbers only, for large volumes."),
        AccountTypeInfo(6, "Ireland Only", "Sends to Irish numbers only."),
        AccountTypeInfo(7, "India Only", "Sends to Indian numbers only."),
        AccountTypeInfo(9, "US Only Account (Small Business)",
                        "Sends to US numbers and comes with a dedicated US long number, "
                        "so patients can text back."),
    )
})

#: This product signs practices up as US small businesses: the type with a two-way number.
DEFAULT_ACCOUNT_TYPE: Final = 9

# ------------------------------------------------------------------ callbacks, connections

_INTERMEDIATE = frozenset({"003"})
_FINAL = frozenset({"004", "005", "007", "009", "010", "012"})
# The protocol file lists the errors of levels 4-7 among the final statuses: the final
# ones that are not a delivery (so level 6 is level 2, and 7 is 3).
_ERRORS = _FINAL - {"004"}

#: `callback` level for sendmsg → the statuses Clickatell pushes to the callback URL.
CALLBACK_LEVELS: Final = MappingProxyType({
    0: frozenset(),
    1: _INTERMEDIATE,
    2: _FINAL,
    3: _INTERMEDIATE | _FINAL,
    4: _ERRORS,
    5: _INTERMEDIATE | _ERRORS,
    6: _FINAL | _ERRORS,
    7: _INTERMEDIATE | _FINAL | _ERRORS,
})

#: `callback_type_id` for create_connection → how reports are pushed. We use 0 or 1.
CALLBACK_TYPES: Final = MappingProxyType({
    0: "HTTP Get",
    1: "HTTP Post",
    2: "XML Post",
    3: "XML Get",
    5: "SOAP Get",
    6: "SOAP Post",
})

#: `connection_id` for create_connection. We use 2 (HTTP API).
CONNECTION_TYPES: Final = MappingProxyType({
    2: "HTTP API",
    7: "FTP",
    9: "SMTP",
    12: "COM",
    13: "XML",
    14: "SOAP",
})
