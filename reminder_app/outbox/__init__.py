"""The outbox: every text the app sends is a queued `Message` row first.

`enqueue` writes the row (`enqueue_all` a batch of `new_text`s); the dispatcher
(`outbox.dispatcher`) claims queued rows, sends them through Clickatell with our own client
message id, and retries safely. Reminders, automatic answers to replies and staff replies
all take this one road, so the rate limit, the exactly-once rules and the delivery tracking
hold for every text alike.

It depends on nothing above it (reminders, appointments, replies, the waitlist, onboarding):
what a reminder or an offer must satisfy to leave is registered with it (`outbox.policy`).
It is the only code that writes queued and sent texts: `enqueue`, `cancel_queued`, the
dispatcher and delivery reports.
"""

from .service import OutboxError, cancel_queued, enqueue, enqueue_all, new_text

__all__ = ["OutboxError", "cancel_queued", "enqueue", "enqueue_all", "new_text"]
