"""The provider boundary: everything the product knows about Clickatell lives here.

This package is the only place that builds or parses XML, knows a Clickatell URL, a
command name, a parameter name or a numeric code. The rest of the app calls typed methods
and gets typed results or one exception family, `ClickatellError`, whose `.meaning` is
written for the practice manager.

- `SmsGateway`: what the app needs of a gateway, served by `CentralGateway` (the legacy
  Central API) or `OneApiClient` (the Platform's One API, JSON with an API key).
- `ConnectClient`: the Connect API (XML), sign-up and account set-up on the user's behalf.
- `MessagingClient`: the messaging API (HTTP), send texts, ask about them, read the balance.
- `parse_delivery_report`, `parse_inbound`: what Clickatell pushes back to us.
- `analyse`: GSM-7/UCS-2 encoding and the SMS part count of a text.
- `codes`: every code table, in plain words.

It is plain Python configured by constructor arguments (base URLs, token, credentials,
timeouts): it imports neither Flask nor the app, so it can be tested on its own, against
a local stub or the `clickatell_sandbox` emulator.
"""

from . import codes
from .callbacks import DeliveryReport, InboundMessage, parse_delivery_report, parse_inbound
from .central import CentralGateway, parse_central_replies, parse_central_statuses
from .codes import (
    Remedy,
    connect_error_meaning,
    is_later_status,
    messaging_error_meaning,
    status_info,
    status_meaning,
)
from .connect import (
    TWO_WAY_NUMBER,
    AccountType,
    CallbackType,
    Captcha,
    ConnectClient,
    ConnectionType,
    Country,
    CountryPrefix,
    Registration,
    SmsActivation,
)
from .errors import (
    CallbackError,
    ClickatellError,
    ErrorDetail,
    GatewayUnavailable,
    ProtocolError,
)
from .gateway import Balance, Reply, SmsGateway, StatusUpdate
from .messaging import (
    DEFAULT_SESSION_STORE,
    MessageCharge,
    MessageStatus,
    MessagingClient,
    SendOutcome,
    SendResult,
    SessionStore,
)
from .platform import OneApiClient, OneApiText, parse_platform_replies, parse_platform_statuses
from .segments import Segments, analyse, split_parts, to_ucs2_hex

__all__ = [
    "DEFAULT_SESSION_STORE",
    "TWO_WAY_NUMBER",
    "AccountType",
    "Balance",
    "CentralGateway",
    "OneApiClient",
    "OneApiText",
    "Remedy",
    "Reply",
    "SmsGateway",
    "StatusUpdate",
    "parse_central_replies",
    "parse_central_statuses",
    "parse_platform_replies",
    "parse_platform_statuses",
    "CallbackError",
    "CallbackType",
    "Captcha",
    "ClickatellError",
    "ConnectClient",
    "ConnectionType",
    "Country",
    "CountryPrefix",
    "DeliveryReport",
    "ErrorDetail",
    "InboundMessage",
    "MessageCharge",
    "MessageStatus",
    "MessagingClient",
    "ProtocolError",
    "GatewayUnavailable",
    "Registration",
    "Segments",
    "SendOutcome",
    "SendResult",
    "SessionStore",
    "SmsActivation",
    "analyse",
    "codes",
    "connect_error_meaning",
    "is_later_status",
    "messaging_error_meaning",
    "parse_delivery_report",
    "parse_inbound",
    "split_parts",
    "status_info",
    "status_meaning",
    "to_ucs2_hex",
]
