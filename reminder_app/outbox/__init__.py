"""The outbox: every text the app sends is a queued `Message` row first.

`enqueue` writes the row; the dispatcher (`outbox.dispatcher`) claims queued rows, sends them
through Clickatell with our own client message id, and retries safely. Reminders, automatic
answers to replies and staff replies all take this one road, so the rate limit, the
exactly-once rules and the delivery tracking hold for every text alike.
"""

from .service import OutboxError, enqueue

__all__ = ["OutboxError", "enqueue"]
