"""Answers and callbacks in the exact shapes of /work/shared/clickatell-api.md.

The envelopes, answer lines, the delivery-report query string and the MO POST body are
copied from the protocol file (the delivery report's elided `apiMsgId=996f…` is filled in
with a 32-hex id). Tests serve these over HTTP and assert what they parse to.
"""

# ----------------------------------------------------------------- Connect API (XML)

COUNTRY_LIST = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Action>get_list_country</Action>'
    b"<Result>Success</Result><Values>"
    b"<Value><country_id>1</country_id><name>United States</name></Value>"
    b"<Value><country_id>44</country_id><name>United Kingdom</name></Value>"
    b"<Value><country_id>27</country_id><name>South Africa</name></Value>"
    b"</Values><Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

ACCOUNT_LIST = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Action>get_list_account</Action>'
    b"<Result>Success</Result><Values>"
    b"<Value><account_id>1</account_id><account_type>International</account_type></Value>"
    b"<Value><account_id>9</account_id>"
    b"<account_type>US Only Account (Small Business)</account_type></Value>"
    b"</Values><Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

AUTHENTICATE_USER = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Action>authenticate_user</Action>'
    b"<Result>Success</Result><Values><Value><Usernumber>1234567</Usernumber></Value>"
    b"</Values><Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

#: An action with no data answers `<Values/>`.
REGISTER_OK = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Action>register</Action>'
    b"<Result>Success</Result><Values/><Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

#: 103 with its context value: no <Action>, the <Value> directly under the root.
NOT_EMAIL_ACTIVATED = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Result>Error</Result><Error>103</Error>'
    b"<Description>Account not email activated</Description>"
    b"<Value><Email>manager@practice.example</Email></Value>"
    b"<Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

NOT_SMS_ACTIVATED = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Result>Error</Result><Error>104</Error>'
    b"<Description>Account not SMS activated</Description>"
    b"<Value><Cellphone>15551234567</Cellphone></Value>"
    b"<Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

SMS_ACTIVATED = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Action>sms_activation_status</Action>'
    b"<Result>Success</Result><Values><Value><Cellphone>15551234567</Cellphone>"
    b"<UserNumber>1234567</UserNumber></Value></Values>"
    b"<Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

#: Repeated Error/Description pairs.
REGISTER_TWO_ERRORS = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Result>Error</Result>'
    b"<Error>416</Error><Description>Invalid or missing email_address</Description>"
    b"<Error>417</Error><Description>Invalid or missing mobile_number</Description>"
    b"<Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

USERNAME_TAKEN = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Result>Error</Result><Error>439</Error>'
    b"<Description>Username unavailable</Description>"
    b"<Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

CREATE_CONNECTION = (
    b'<?xml version="1.0"?><CLICKATELLSDK><Action>create_connection</Action>'
    b"<Result>Success</Result><Values><Value><api_id>3523864</api_id></Value></Values>"
    b"<Timestamp>1321452360</Timestamp></CLICKATELLSDK>"
)

# A 1x1 PNG, URL-encoded as Clickatell sends the captcha image.
CAPTCHA_PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def captcha_answer(captcha_id: str, png: bytes = CAPTCHA_PNG) -> bytes:
    from urllib.parse import quote_from_bytes

    return (
        b'<?xml version="1.0"?><CLICKATELLSDK><Action>get_captcha</Action>'
        b"<Result>Success</Result><Values><Value><captcha_id>" + captcha_id.encode()
        + b"</captcha_id><captcha_image>" + quote_from_bytes(png).encode()
        + b"</captcha_image></Value></Values><Timestamp>1321452360</Timestamp>"
        b"</CLICKATELLSDK>"
    )


# ------------------------------------------------------------------ messaging API

AUTH_OK = b"OK: 5f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99"
PING_OK = b"OK:"
SENDMSG_OK = b"ID: 996f364775e24b8432f45d77da8eca47"
SENDMSG_MANY = (
    b"ID: 2fa8ce7a9bc1a34a6e1d4e0f0f1b2c3d To: 15551230001\n"
    b"ERR: 105, Invalid Destination Address To: 15551230002\n"
    b"ID: 6b1f0c2a9d8e7f6a5b4c3d2e1f0a9b8c To: 15551230003\n"
)
QUERYMSG = b"ID: 996f364775e24b8432f45d77da8eca47 Status: 004"
GETMSGCHARGE = b"apiMsgId: 996f364775e24b8432f45d77da8eca47 charge: 0.300000 status: 004"
GETMSGCHARGE_OTHER_SHAPE = b"ID: 996f364775e24b8432f45d77da8eca47 Charge: 1.5 Status: 003"
DELMSG = b"ID: 996f364775e24b8432f45d77da8eca47 Status: 006"
GETBALANCE = b"Credit: 217.5"
ERR_SESSION_EXPIRED = b"ERR: 003, Session ID expired"
ERR_NO_CREDIT = b"ERR: 301, No credit left"
ERR_INTERNAL = b"ERR: 901, Internal error - please retry"
ERR_UNKNOWN_CLIENT_ID = b"ERR: 104, Unknown client message ID"
ERR_AUTH_FAILED = b"ERR: 001, Authentication failed"

# ------------------------------------------------------------------ callbacks

DELIVERY_REPORT_QUERY = (
    "api_id=12345&apiMsgId=996f364775e24b8432f45d77da8eca47&cliMsgId=abc123"
    "&timestamp=1218007814&to=279995631564&from=27833001171&status=003&charge=0.300000"
)

MO_POST_BODY = (
    b"api_id=3523864&from=919676026708&timestamp=2015-02-04+09%3A30%3A36&text=Test"
    b"&charset=ISO-8859-1&udh=&moMsgId=d2b66016178dda7c3b4a701056797755&to=447860024227"
)
