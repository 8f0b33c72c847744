"""The One API's tables as the sandbox answers them, and every choice made where the fact sheet
(/work/shared/clickatell-platform.md) says unknown [U] or inferred [I], in one place so it can
be corrected against the real service."""

from __future__ import annotations

#: code -> (HTTP status, level, Clickatell's description). §5.3.
ERRORS: dict[int, tuple[int, str, str]] = {
    1: (401, "global", "Invalid or missing integration API Key"),
    2: (400, "global", "Account is not active"),
    3: (400, "global", "Integration is not active"),
    7: (401, "global", "Originating IP address is not approved in your account"),
    18: (500, "both", "Internal error"),
    19: (503, "both", "Internal error, please retry"),
    20: (402, "message", "Insufficient account balance"),
    21: (400, "global", "Payload data is malformed"),
    22: (400, "global", "Maximum messages per request payload exceeded"),
    23: (400, "message", "Invalid or missing parameter: {}"),
    24: (400, "message", "Maximum message content size exceeded"),
    25: (400, "message", "Invalid recipient address: {}"),
    26: (400, "message", "Recipient opted out"),
    27: (400, "message", "Recipient not available on channel"),
    28: (400, "message", "Recipient not available on sandbox"),
    30: (400, "message", "Content type is not supported"),
    31: (400, "message", "Media file size too large"),
    32: (400, "message", "Payload size too large"),
    33: (400, "message", "Media not found"),
    38: (400, "message", "Channel/feature is not active on integration"),
    39: (400, "message", "Channel is not available on integration"),
    40: (400, "message", "Character set is not supported"),
    41: (404, "global", "Resource does not exist"),
    42: (400, "global", "HTTP method is not supported on this resource"),
    43: (400, "both", "Rate limit"),
    44: (400, "message", "FROM number is suspended"),
    45: (400, "message", "FROM number is not related to integration"),
    46: (400, "message", "Demo access has expired"),
    100: (400, "message", "Maximum message parts exceeded"),
    101: (400, "message", "Destination does not support two-way messaging"),
    110: (400, "message", "USA country limit: must use two-way integration"),
    111: (400, "message", "USA country limit: must enable STOP/SUBSCRIBE commands on integration"),
}

#: The sandbox's message walk uses the Central status codes; this is how each shows on the
#: One API (§5.5): number and name.
STATUSES: dict[str, tuple[int, str]] = {
    "001": (1, "UNKNOWN"),
    "002": (2, "QUEUED"),
    "011": (3, "SCHEDULED"),
    "003": (4, "SENT_TO_SUPPLIER"),
    "008": (4, "SENT_TO_SUPPLIER"),
    "004": (5, "DEVICE_ACK"),
    "010": (20, "EXPIRED"),
    "006": (21, "STOPPED_BY_USER"),
    "005": (23, "DELIVERY_FAILURE"),
    "007": (23, "DELIVERY_FAILURE"),
    "012": (25, "INSUFFICIENT_ACCOUNT_BALANCE"),
    "014": (26, "VOLUME_LIMIT"),
    "009": (100, "ROUTING_ERROR"),
}
UNKNOWN = (1, "UNKNOWN")

#: Messages per request (§5.1: 200, error 22 beyond).
MAX_BATCH = 200
#: [U] Longest SMS in parts before error 100; the Central API's own concat cap.
MAX_PARTS = 35
#: Longest clientMessageId kept [U]; the sandbox's column holds 32.
MAX_CLIENT_MESSAGE_ID = 32
#: [C] at most two verified test phones per account (§1).
MAX_TEST_PHONES = 2
#: [U] The billing currency of every sandbox account.
CURRENCY = "USD"
#: [U]/[I] Keywords of the STOP/SUBSCRIBE handling (§7): the Central list, and its opposites.
STOP_WORDS = frozenset({"STOP", "END", "CANCEL", "UNSUBSCRIBE", "QUIT", "STOP ALL", "STOPALL"})
START_WORDS = frozenset({"START", "SUBSCRIBE", "UNSTOP", "YES"})
#: [U] A STOP text is still forwarded to the reply URL, so the practice sees it too.
FORWARD_STOP_TEXTS = True
#: [I] The Platform retries callbacks on the Central schedules (its own schedule is unknown).


def description(code: int, detail: str = "") -> str:
    text = ERRORS[code][2]
    return text.format(detail) if "{}" in text else text


def error(code: int, detail: str = "") -> dict:
    return {"code": code, "description": description(code, detail)}


# ------------------------------------------------ the SMS REST and HTTP integrations (§3, §4)

#: [I] Their errors reuse the Central numbers (§4.2): a One API refusal as (code, error,
#: errorDescription). Codes without a Central twin keep the Central "invalid parameters".
SMS_API_ERRORS: dict[int, tuple[int, str, str]] = {
    1: (108, "Invalid or missing integration API Key.",
        "The integration API key is either incorrect or has not been included in the API call."),
    2: (4, "Account is not active.", "The account is frozen or not active."),
    3: (108, "Integration is not active.", "The integration is not active."),
    20: (301, "No credit left.", "The account has no credit left."),
    21: (101, "Invalid or missing parameters.", "The request could not be read."),
    22: (101, "Too many recipients.", "At most 200 recipients per request."),
    23: (101, "Invalid or missing parameters.", "A parameter is missing or not valid."),
    25: (105, "Invalid destination address.", "The destination address is not valid."),
    26: (122, "Destination mobile opted out.", "The recipient has opted out."),
    28: (105, "Invalid destination address.", "Recipient not available on sandbox."),
    45: (106, "Two-Way integration error - From number is not related to integration",
         "The FROM number is not linked to this integration."),
    100: (113, "Maximum message parts exceeded.", "The message is too long."),
    110: (106, "Invalid FROM number.", "You should specify correct FROM number."),
    111: (106, "Invalid FROM number.", "STOP/SUBSCRIBE handling is required for the USA."),
}
SMS_API_OTHER = (101, "Invalid or missing parameters.", "The request was refused.")

#: Status callback / status query of the SMS APIs: Central numbers as integers, with names
#: (§6.1; names beyond the three seen are the sheet's suggestions [I]).
SMS_STATUS_NAMES: dict[str, str] = {
    "001": "MESSAGE_UNKNOWN",
    "002": "MESSAGE_QUEUED",
    "003": "DELIVERED_TO_GATEWAY",
    "004": "RECEIVED_BY_RECIPIENT",
    "005": "ERROR_WITH_MESSAGE",
    "006": "USER_CANCELLED",
    "007": "ERROR_DELIVERING_MESSAGE",
    "009": "ROUTING_ERROR",
    "010": "MESSAGE_EXPIRED",
    "011": "MESSAGE_QUEUED",
    "012": "OUT_OF_CREDIT",
    "014": "MAX_MT_EXCEEDED",
}
#: [I] The SMS APIs push the gateway step and the outcome, not the queueing (§8.6).
SMS_PUSHED_STATUSES = frozenset(SMS_STATUS_NAMES) - {"001", "002", "011"}


def sms_api_error(code: int) -> dict:
    number, error, description = SMS_API_ERRORS.get(code, SMS_API_OTHER)
    return {"errorCode": number, "error": error, "errorDescription": description}
