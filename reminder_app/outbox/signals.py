"""What the dispatcher learns from Clickatell that the packages above the outbox act on.

Sent inside the transaction that records a batch's outcomes, before its commit: what a
receiver writes is committed with them. The inbound package subscribes
(`inbound.opt_outs.init_app`, called by the app factory).
"""

from blinker import Namespace

_signals = Namespace()

recipient_opted_out = _signals.signal("recipient-opted-out", doc="""Clickatell refused a text
because its recipient opted out at the gateway (One API 26, Central 122). Sender: the
practice; `mobile=` the number, `now=`.""")
