"""What a recall text must satisfy at the moment it leaves: the patient's consent (not
opted out) and quiet hours on the patient's clock, where it waits for them to end (a recall
can wait for the morning, unlike a waitlist offer). Recall texts are not counted against
the reminder cap, nor held by it: their own pace (`Practice.recall_interval_days`, at most
`recall_max_texts`) is their cap (docs/decisions.md).

Registered with the outbox (`init_app`) so the dispatcher asks it again as each text leaves,
and `texting` asks the same `verdict` before queueing a step.
"""

from datetime import datetime

from flask import Flask

from ..models import MessageKind
from ..outbox.policy import Outgoing, Verdict, register_check
from ..reminders.policy import QUIET_WAIT, consent_problem
from ..reminders.quiet_hours import is_quiet, quiet_period, recipient_zone


def check_recall(outgoing: Outgoing, now: datetime) -> Verdict | None:
    if outgoing.patient is not None and (problem := consent_problem(outgoing.patient)):
        return Verdict.cancel(problem)
    zone = recipient_zone(outgoing.practice, outgoing.patient)
    if is_quiet(now, outgoing.practice, zone):
        return Verdict.wait(quiet_period(now, outgoing.practice, zone)[1], QUIET_WAIT)
    return None


def init_app(app: Flask) -> None:
    register_check(app, MessageKind.RECALL, check_recall)
