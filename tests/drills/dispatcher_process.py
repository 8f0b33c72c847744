"""One dispatcher process for the crash drill: a dispatch pass, a short pause, again, until
it is killed (or sent SIGTERM). Its settings come from the environment, as in production.

After each pass it prints one line of counts (`pass sent=… recovered=… retried=…
lease_lost=…`), which the drill adds up to explain the texts claimed more than once."""

import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reminder_app import create_app  # noqa: E402
from reminder_app.reminders.passes import run_pass  # noqa: E402

COUNTS = ("sent", "recovered", "retried", "failed", "cancelled", "lease_lost")
stopping = False


def stop(*_):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, stop)
app = create_app()
with app.app_context():
    print("ready", flush=True)
    while not stopping:
        outbox = run_pass().outbox
        if any(getattr(outbox, name) for name in COUNTS):
            print("pass " + " ".join(f"{name}={getattr(outbox, name)}" for name in COUNTS),
                  flush=True)
        time.sleep(0.1)
