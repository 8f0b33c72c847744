"""The legacy Central HTTP API behind the gateway interface: `MessagingClient` and the
Central callback parsers, unchanged, with their answers turned into the gateway's types."""

from __future__ import annotations

from collections.abc import Mapping

from .callbacks import parse_delivery_report, parse_inbound
from .gateway import Balance, Reply, StatusUpdate
from .messaging import MessageStatus, MessagingClient, SendResult

__all__ = ["CentralGateway", "parse_central_replies", "parse_central_statuses"]


def parse_central_statuses(params: Mapping[str, str]) -> list[StatusUpdate]:
    """A Central delivery report (form or query parameters) as the gateway's type."""
    report = parse_delivery_report(params)
    return [StatusUpdate(report.api_id, report.api_message_id, report.client_message_id,
                         report.status_info, report.timestamp, report.charge)]


def parse_central_replies(params: Mapping[str, str], body: bytes | None) -> list[Reply]:
    """A Central MO callback as the gateway's type; `body` is the raw form or query string
    (see `callbacks.parse_inbound`)."""
    inbound = parse_inbound(params, body or None)
    return [Reply(inbound.api_id, inbound.mo_message_id, inbound.sender, inbound.to,
                  inbound.received_at, inbound.text, None, inbound.network)]


class CentralGateway:
    """One Central connection (api_id) as an `SmsGateway`."""

    finds_by_client_id = True

    def __init__(self, client: MessagingClient, *, callback_level: int = 7) -> None:
        self.client = client
        self.callback_level = callback_level

    def send(self, to: str, text: str, *, sender: str | None = None,
             client_message_id: str | None = None) -> SendResult:
        return self.client.send(to, text, sender=sender, client_message_id=client_message_id,
                                callback=self.callback_level, mo=True)

    def status(self, *, api_message_id: str | None = None,
               client_message_id: str | None = None) -> MessageStatus:
        return self.client.query(api_message_id, client_message_id)

    def balance(self) -> Balance:
        return Balance(self.client.balance(), None)

    def parse_status_callback(self, params: Mapping[str, str], body: bytes
                              ) -> list[StatusUpdate]:
        return parse_central_statuses(params)

    def parse_reply_callback(self, params: Mapping[str, str], body: bytes) -> list[Reply]:
        return parse_central_replies(params, body)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> CentralGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
