"""Clickatell's code tables, copied from /work/shared/clickatell-api.md, and the rules that read
them (which statuses a `callback` level pushes, how the answers are worded)."""

from __future__ import annotations

CONNECT_ERRORS: dict[str, str] = {
    "001": "success",
    "002": "source IP blocked",
    "003": "too many failed logins from this IP: captcha required",
    "004": "too many failed logins for this user: captcha required",
    "005": "invalid unique URL (token)",
    "006": "account not active",
    "007": "command not allowed",
    "008": "Connect API disabled",
    "009": "HTTP not allowed, HTTPS required",
    "100": "mobile number blocked",
    "101": "destination not covered",
    "102": "too many SMS activation attempts",
    "103": "not e-mail activated",
    "104": "not SMS activated",
    "105": "an account with this e-mail exists (bypass: force_create=1)",
    "106": "cannot create account (restrictions)",
    "107": "already e-mail activated",
    "108": "already SMS activated",
    "109": "coupon error",
    "400": "invalid or missing captcha_id",
    "401": "invalid or missing captcha_code",
    "402": "captcha expired",
    "403": "captcha already redeemed",
    "404": "authentication failed (user/password)",
    "405": "authentication failed (user/e-mail)",
    "406": "invalid or missing country id",
    "407": "invalid email_format",
    "408": "invalid weekly_update",
    "409": "invalid accept_terms",
    "410": "terms acceptance required",
    "411": "invalid test_mode",
    "412": "invalid account_id",
    "413": "invalid force_create",
    "414": "invalid or missing registration data",
    "415": "invalid activation_redirect",
    "416": "invalid or missing email_address",
    "417": "invalid or missing mobile_number",
    "418": "invalid or missing sms_activation_code",
    "419": "invalid connection_id",
    "420": "invalid or missing ftp_password",
    "421": "invalid dial_prefix",
    "422": "invalid ip_address",
    "423": "invalid callback_URL",
    "424": "invalid callback_type",
    "425": "invalid callback_username",
    "426": "invalid callback_password",
    "427": "invalid terms_format",
    "428": "invalid api_description",
    "429": "invalid or missing client_ip_address",
    "430": "unknown service request (action)",
    "431": "invalid or missing username",
    "432": "invalid or missing password",
    "433": "invalid or missing first name",
    "434": "invalid or missing surname",
    "435": "invalid or missing company",
    "436": "invalid activation redirect",
    "437": "credit value not valid",
    "438": "user not valid",
    "439": "username unavailable",
    "440": "incorrect username and/or password",
    "999": "unknown error",
}

MESSAGING_ERRORS: dict[str, str] = {
    "001": "Authentication failed",
    "002": "Unknown username or password",
    "003": "Session ID expired",
    "004": "Account frozen",
    "005": "Missing session ID",
    "007": "IP lockdown violation",
    "101": "Invalid or missing parameters",
    "102": "Invalid user data header",
    "103": "Unknown API message ID",
    "104": "Unknown client message ID",
    "105": "Invalid destination address",
    "106": "Invalid source address",
    "107": "Empty message",
    "108": "Invalid or missing API ID",
    "109": "Missing message ID",
    "113": "Maximum message parts exceeded",
    "114": "Cannot route message",
    "115": "Message expired",
    "116": "Invalid Unicode data",
    "120": "Invalid delivery time",
    "121": "Destination mobile number blocked",
    "122": "Destination mobile opted out",
    "123": "Invalid sender ID",
    "128": "Number delisted",
    "130": "Maximum MT limit exceeded",
    "301": "No credit left",
    "302": "Max allowed credit",
    "901": "Internal error",
}

# Assumed: the protocol file names no messaging code for "HTTPS required"; a real account set
# to HTTPS-only refused plain HTTP as an authentication failure, so the sandbox answers this.
MESSAGING_HTTPS_REQUIRED = "001"

STATUSES: dict[str, str] = {
    "001": "Message unknown",
    "002": "Message queued",
    "003": "Delivered to gateway",
    "004": "Received by recipient",
    "005": "Error with message",
    "006": "User cancelled message delivery",
    "007": "Error delivering message",
    "008": "OK",
    "009": "Routing error",
    "010": "Message expired",
    "011": "Message queued for later delivery",
    "012": "Out of credit",
    "014": "Maximum MT limit exceeded",
}

FINAL_STATUSES = frozenset({"004", "005", "006", "007", "009", "010", "012", "014"})

_INTERMEDIATE = frozenset({"003"})
_FINAL = frozenset({"004", "005", "007", "009", "010", "012"})
# The protocol file names the errors of levels 4-7 as a subset of the final statuses (the final
# ones that are not a delivery), so level 6 pushes what 2 does and level 7 what 3 does: queued
# (002, 011), cancelled (006) and 014 are never pushed.
_ERRORS = _FINAL - {"004"}

# `callback` level -> the statuses pushed, as the protocol file lists them.
CALLBACK_LEVELS: dict[int, frozenset[str]] = {
    0: frozenset(),
    1: _INTERMEDIATE,
    2: _FINAL,
    3: _INTERMEDIATE | _FINAL,
    4: _ERRORS,
    5: _INTERMEDIATE | _ERRORS,
    6: _FINAL | _ERRORS,
    7: _INTERMEDIATE | _FINAL | _ERRORS,
}


def pushes_status(level: int, status: str) -> bool:
    """Whether a message sent with `callback=level` gets a report for `status`."""
    return status in CALLBACK_LEVELS.get(level, frozenset())
