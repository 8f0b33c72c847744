"""What the app needs of an SMS gateway, whichever Clickatell generation serves a practice.

Two implementations: `central.CentralGateway` (the legacy Central HTTP API, around
`MessagingClient`) and `platform.OneApiClient` (the Platform's One API). Both raise the one
`ClickatellError` family, whose `.remedy` (codes.Remedy) tells the dispatcher what to do,
and both turn their callbacks into the types below, so the webhooks and the dispatcher need
not know which generation they talk to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from .codes import StatusInfo
from .messaging import MessageStatus, SendResult

__all__ = ["Balance", "Reply", "SmsGateway", "StatusUpdate"]


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    currency: str | None  # None: Central's credits, which have no currency


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """One status callback event: which message, how far it got, when."""

    account: str  # Central api_id, or the Platform setup's integrationId
    api_message_id: str
    client_message_id: str | None
    status: StatusInfo  # .state, .final, .rank compare across generations
    at: datetime  # aware, UTC
    charge: Decimal | None = None  # Central reports it; the Platform does not


@dataclass(frozen=True, slots=True)
class Reply:
    """One text a patient sent to the practice's two-way number."""

    account: str
    message_id: str
    sender: str  # the patient, E.164
    to: str  # the practice's number, E.164
    received_at: datetime  # aware, UTC
    text: str
    related_message_id: str | None = None  # our text this answers, when Clickatell says
    network: str | None = None


@runtime_checkable
class SmsGateway(Protocol):
    """Send, ask, read the balance, read callbacks: nothing else reaches the provider."""

    #: True when `status` can look a message up by our own client message id.
    finds_by_client_id: bool

    def send(self, to: str, text: str, *, sender: str | None = None,
             client_message_id: str | None = None) -> SendResult:
        """Send one text from the practice's two-way number (`sender`); not repeated
        after a timeout (`GatewayUnavailable.maybe_processed`)."""
        ...

    def status(self, *, api_message_id: str | None = None,
               client_message_id: str | None = None) -> MessageStatus: ...

    def balance(self) -> Balance: ...

    def parse_status_callback(self, params: Mapping[str, str], body: bytes
                              ) -> list[StatusUpdate]:
        """Raises `CallbackError` naming the field at fault (the webhook answers 400)."""
        ...

    def parse_reply_callback(self, params: Mapping[str, str], body: bytes) -> list[Reply]: ...

    def close(self) -> None: ...
