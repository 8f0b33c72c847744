"""Whether a text may leave now: the one send policy, asked when a reminder becomes a text
(planning) and again as each text leaves (the dispatcher).

The outbox knows nothing of appointments, consent or quiet hours: the packages above it
register a check per kind of text at app start (`register_check`, from their `init_app`).
`verdict` runs the kind's check, then the account's `sending_blocker`, so both stages
decide with the same rules and give staff the same reasons. `verdicts` asks it for a batch
of texts, with what a check reads (the reminders' cap) read once for all of them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from flask import Flask, current_app

from ..models import Appointment, MessageKind, Patient, Practice
from ..models.clickatell_account import Blocker, sending_blocker

EXTENSION = "outbox_checks"


class Action(enum.StrEnum):
    CANCEL = "cancel"  # it must never go out: what it says no longer holds
    WAIT = "wait"  # not now, at `until` (quiet hours); no attempt is counted
    HOLD = "hold"  # the account cannot send (`blocker`): it waits until it can


@dataclass(frozen=True)
class Verdict:
    action: Action
    reason: str
    until: datetime | None = None
    blocker: Blocker | None = None

    @classmethod
    def cancel(cls, reason: str) -> Verdict:
        return cls(Action.CANCEL, reason)

    @classmethod
    def wait(cls, until: datetime, reason: str) -> Verdict:
        return cls(Action.WAIT, reason, until=until)

    @classmethod
    def hold(cls, blocker: Blocker) -> Verdict:
        return cls(Action.HOLD, blocker.reason, blocker=blocker)


@dataclass(frozen=True)
class Outgoing:
    """What a check looks at: the text's practice, patient and appointment (if any), and
    the text itself once it is in the outbox (None while it is being planned)."""

    practice: Practice
    patient: Patient | None = None
    appointment: Appointment | None = None
    message_id: int | None = None
    #: What the kind's check read once for a whole batch of texts (its `read_batch`), or
    #: None: the check reads what it needs for this text alone.
    batch: object = None


#: A kind's check: a verdict if the text must not leave at `now`, else None.
Check = Callable[[Outgoing, datetime], "Verdict | None"]
#: Reads once, for a batch of texts of one kind, what its check would read for each text.
BatchRead = Callable[[Sequence[Outgoing], datetime], object]


def register_check(app: Flask, kind: MessageKind, check: Check, *,
                   read_batch: BatchRead | None = None) -> None:
    """Make `check` decide, for every text of `kind`, whether it may leave; `read_batch`
    lets `verdicts` read for a batch in one go what `check` would read text by text."""
    checks = app.extensions.setdefault(EXTENSION, {})
    if checks.get(kind, (check, read_batch)) != (check, read_batch):
        raise RuntimeError(f"a check for {kind} texts is already registered")
    checks[kind] = (check, read_batch)


def verdict(kind: MessageKind, outgoing: Outgoing, now: datetime) -> Verdict | None:
    """Why a text of `kind` must not leave at `now` (its kind's check first, then the
    account), or None when it may."""
    check, _ = current_app.extensions.get(EXTENSION, {}).get(kind, (None, None))
    found = check(outgoing, now) if check is not None else None
    if found is not None:
        return found
    blocker = sending_blocker(outgoing.practice.clickatell_account)
    return Verdict.hold(blocker) if blocker is not None else None


def verdicts(texts: Sequence[tuple[MessageKind, Outgoing]], now: datetime
             ) -> list[Verdict | None]:
    """`verdict` for each of a batch of texts, with what each kind's check needs read once
    for all the texts of that kind (its `read_batch`): the same decisions, fewer queries."""
    registered = current_app.extensions.get(EXTENSION, {})
    readings = {}
    for kind in {kind for kind, _ in texts}:
        _, read_batch = registered.get(kind, (None, None))
        if read_batch is not None:
            readings[kind] = read_batch([o for k, o in texts if k == kind], now)
    return [verdict(kind, replace(outgoing, batch=readings[kind]) if kind in readings
                    else outgoing, now) for kind, outgoing in texts]
