"""The practice's SMS gateway (`gateway_for`) and the app's other Clickatell clients, built
from its settings. Clickatell is "the gateway" throughout the code: a provider is a doctor.

Views and services ask here for a client instead of reading URLs or tokens themselves, so
switching from the sandbox to the real Clickatell is configuration only.
"""

from flask import current_app

from .clickatell import CentralGateway, ConnectClient, MessagingClient, OneApiClient, SmsGateway
from .models import ClickatellAccount


def _timeout() -> tuple[float, float]:
    return (current_app.config["CLICKATELL_CONNECT_TIMEOUT"],
            current_app.config["CLICKATELL_READ_TIMEOUT"])


def _deadline() -> float:
    """Seconds a whole call may take, retries and a trickling answer included."""
    return current_app.config["CLICKATELL_TOTAL_TIMEOUT"]


def connect_client() -> ConnectClient:
    return ConnectClient(current_app.config["CLICKATELL_CONNECT_URL"],
                         current_app.config["CLICKATELL_CONNECT_TOKEN"], timeout=_timeout(),
                         deadline=_deadline())


def messaging_client(account: ClickatellAccount) -> MessagingClient:
    if not account.api_id:
        raise ValueError("the account has no messaging connection yet")
    return MessagingClient(current_app.config["CLICKATELL_API_URL"], api_id=account.api_id,
                           user=account.username, password=account.password, timeout=_timeout(),
                           deadline=_deadline())


def platform_client(api_key: str) -> OneApiClient:
    """A One API client for a key (the account's, or one a practice is about to connect)."""
    return OneApiClient(current_app.config["CLICKATELL_PLATFORM_URL"], api_key=api_key,
                        timeout=_timeout(), deadline=_deadline())


def gateway_for(account: ClickatellAccount) -> SmsGateway:
    """The practice's SMS gateway, whichever Clickatell generation serves it: the one place
    outside the boundary that looks at `account.generation`. Close it after use."""
    if account.on_platform:
        return platform_client(account.api_key)
    return CentralGateway(messaging_client(account))


def callback_url(account: ClickatellAccount, kind: str) -> str:
    """Where Clickatell should push to us: `status` (delivery reports) or `inbound` (replies).

    The account's secret in the path is what authenticates a callback: Clickatell signs
    nothing, and the body is never trusted to say which practice it concerns. A Platform
    setup pushes JSON to routes of its own (`inbound.platform_webhooks`).
    """
    if kind not in ("status", "inbound"):
        raise ValueError(kind)
    generation = "/platform" if account.on_platform else ""
    return public_url(f"/webhooks/clickatell/{account.callback_secret}{generation}/{kind}")


def public_url(path: str) -> str:
    """An address of this app as Clickatell, or a browser coming back from it, reaches it."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
