"""A patient who opted out at Clickatell (a STOP the gateway kept, or an opt-out made in its
portal) is opted out here too, as if they had replied STOP to us: reminders skipped, nothing
queued for the number, off the waitlist. The dispatcher tells us by a signal
(`outbox.signals.recipient_opted_out`), in the transaction that fails the refused text."""

from datetime import datetime

from flask import Flask

from ..models import Practice
from ..outbox.signals import recipient_opted_out
from .replies import opt_out_mobile


def init_app(app: Flask) -> None:
    """Connecting again (another app) changes nothing."""
    recipient_opted_out.connect(opted_out_at_gateway)


def opted_out_at_gateway(practice: Practice, *, mobile: str, now: datetime) -> None:
    opt_out_mobile(practice, mobile, now)
