"""A dispatch pass: due reminders into the outbox, and the outbox out.

It lives here, above both stages, so the outbox never reaches up into the reminders: the
scheduler job `dispatch` and `flask reminders send-due` run `run_pass`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from ..models.types import utcnow
from ..outbox.dispatcher import DispatchResult, Settings, dispatch_due, dispatch_while
from .planning import QUEUE_BATCH, QueueResult, queue_due


@dataclass
class PassResult:
    reminders: QueueResult
    outbox: DispatchResult

    def summary(self) -> str:
        r, o = self.reminders, self.outbox
        return (f"reminders: {r.queued} queued, {r.skipped} skipped, {r.held} on hold, "
                f"{r.rescheduled} moved out of quiet hours; texts: {o.sent} sent, "
                f"{o.recovered} found already sent, {o.retried} to retry, {o.failed} failed, "
                f"{o.cancelled} cancelled, {o.rescheduled} waiting for quiet hours to end, "
                f"{o.held} on hold")


def run_pass(now: datetime | None = None) -> PassResult:
    """One dispatch pass. With several sender threads the two stages overlap: texts leave
    while later reminders are still being queued. Reminders due within QUEUE_AHEAD_SECONDS
    are queued already, to leave at their minute (`planning.queue_due`)."""
    ahead = timedelta(seconds=current_app.config["QUEUE_AHEAD_SECONDS"])
    if Settings.from_config(current_app.config).concurrency == 1:
        reminders = queue_due(now or utcnow(), ahead=ahead)
        return PassResult(reminders, dispatch_due(now))
    # Small queueing transactions, so the senders' own writes are never held up for long.
    outbox, reminders = dispatch_while(
        now, lambda: queue_due(now or utcnow(), batch=QUEUE_BATCH // 4, ahead=ahead))
    return PassResult(reminders, outbox)
