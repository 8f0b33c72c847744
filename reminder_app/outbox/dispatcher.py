"""The dispatcher: sends what is due, exactly once, however many processes run it.

A pass (`reminders.passes.run_pass`, run by the scheduler job and by `flask reminders
send-due`) turns due reminders into texts, and meanwhile this module sends queued texts:

0. **Release** the texts held for an account that can send again (credit bought).

1. **Claim.** One conditional UPDATE marks a batch of due rows `sending` with our lease
   (`lease_owner`, `lease_until`) and counts the attempt; only one claimer can win a row. On
   PostgreSQL the candidates are picked `FOR UPDATE SKIP LOCKED`. A claimer that dies leaves
   its rows leased; once the lease has expired, any pass may claim them again. With the
   per-number rate limit on, a claim takes only what each number can send within
   `Settings.ahead` and reserves those slots (`outbox.pacing`), so that many long numbers
   send side by side however few the sender threads.
2. **Ask before resending.** A row claimed before (attempts > 1) may have reached Clickatell
   although no answer came back (a timeout, a 5xx, a claimer that died): the dispatcher asks
   Clickatell about our own client message id first, and sends only if it never arrived.
   The Platform's One API cannot be asked by our id (`SmsGateway.finds_by_client_id`): a
   send to it that got no answer waits instead for the status callback, which carries our
   id and marks the text sent (`outbox.delivery`); only if none came within
   `OUTBOX_CALLBACK_WAIT_SECONDS` is it sent again. A practice whose status callbacks have
   never reached us cannot be told apart from one whose text was lost: such a text fails
   with the reason instead of risking a second copy (docs/decisions.md).
3. **Send** through the practice's `SmsGateway` (whichever Clickatell generation serves it)
   from its two-way number with our client message id, each text at its slot (a sender
   holds texts of several numbers and sends whichever slot comes first), and record
   Clickatell's message id.
4. **Record** the outcome: sent; queued again with an exponential back-off; failed with the
   reason (at once for errors retrying cannot fix, after the last attempt otherwise);
   cancelled or waiting, as the send policy says (`outbox.policy`: the patient said STOP,
   the appointment was cancelled or has started, quiet hours); or held while the account
   cannot send (no credit, also when Clickatell answers "no credit"), with no attempt made.
   Clickatell's refusals are classed at the boundary (`codes.Remedy`): retry later, fail
   the text, hold the practice (no credit sets the balance to 0; anything else, such as a
   revoked key, is recorded as the account's `held_reason`: one `sending_blocker` for
   both), or opt the patient out (`outbox.signals.recipient_opted_out`).

Everything takes `now` (a pass may act as if at another instant); only the rate limit and
the lease check before a send use the real clock.
"""

from __future__ import annotations

import heapq
import os
import socket
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import selectinload

from .. import transactions
from ..clickatell import (
    ClickatellError,
    GatewayUnavailable,
    ProtocolError,
    Remedy,
    SmsGateway,
    codes,
)
from ..extensions import db
from ..gateways import gateway_for
from ..models import (
    Appointment,
    ClickatellAccount,
    Direction,
    Message,
    MessageStatus,
    Practice,
    Reminder,
    ReminderStatus,
)
from ..models.clickatell_account import NO_CREDIT as NO_CREDIT_LEFT
from ..models.clickatell_account import Blocker, BlockerKind, sending_blocker
from ..models.types import utcnow
from .delivery import REMINDER_STATUS, status_for_code
from .pacing import PacedClaim, claim_paced, give_back, interval_us
from .pacing import due as _due
from .policy import Action, Outgoing, Verdict, verdicts
from .rate_limit import take_slot
from .signals import recipient_opted_out
from .writes import turn_to_write

NOT_KNOWN = "104"  # querymsg: Clickatell has no message with this client message id
NO_REPORTS_YET = ("Clickatell has sent this app no status report yet, so whether the text "
                  "went out cannot be known: it is not sent again, so that nobody gets it "
                  "twice. Check the status callback URL of the SMS setup.")
EXPIRED = "Too late: what it said no longer holds (the offer ended)."
#: A held text is looked at again after this long even if nothing released it.
HOLD = timedelta(minutes=5)

messages = Message.__table__
reminders = Reminder.__table__


@dataclass(frozen=True)
class Settings:
    max_attempts: int
    retry_base: timedelta
    retry_max: timedelta
    lease: timedelta
    rate_per_second: float
    concurrency: int
    batch: int
    #: Time a send may take (connect + read timeout): a lease must outlast it.
    longest_call: timedelta
    #: How long an unanswered Platform send waits for its status callback.
    callback_wait: timedelta = timedelta(minutes=10)
    #: With the rate limit on, a claim takes what each number can send within this long
    #: (`outbox.pacing`); under half the lease less the longest call.
    ahead: timedelta = timedelta(seconds=2)
    #: A pass on the real clock stays this long for texts queued to leave within it
    #: (QUEUE_AHEAD_SECONDS: reminders queued before their minute), so they leave at their
    #: minute rather than at the next pass.
    stay: timedelta = timedelta(0)

    @classmethod
    def from_config(cls, config) -> Settings:
        lease = timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
        concurrency = max(1, int(config["OUTBOX_CONCURRENCY"]))
        rate = float(config["OUTBOX_RATE_PER_SECOND"])
        batch = max(1, int(config["OUTBOX_BATCH_SIZE"]))
        longest_call = timedelta(seconds=config["CLICKATELL_CONNECT_TIMEOUT"]
                                 + config["CLICKATELL_READ_TIMEOUT"])
        # What a worker holds must leave within half its lease: with the rate limit on, a
        # claim takes only texts whose slot begins within `ahead` (`outbox.pacing`).
        ahead = max(timedelta(0), min(timedelta(seconds=config["OUTBOX_CLAIM_AHEAD_SECONDS"]),
                                      lease / 2 - longest_call))
        return cls(
            max_attempts=max(1, int(config["OUTBOX_MAX_ATTEMPTS"])),
            # A retry asks Clickatell about the earlier attempt: not before that attempt
            # has surely ended at Clickatell's end too.
            retry_base=max(timedelta(seconds=config["OUTBOX_RETRY_BASE_SECONDS"]),
                           longest_call),
            retry_max=timedelta(seconds=config["OUTBOX_RETRY_MAX_SECONDS"]),
            lease=lease, rate_per_second=rate, concurrency=concurrency, batch=batch,
            longest_call=longest_call,
            callback_wait=timedelta(seconds=config["OUTBOX_CALLBACK_WAIT_SECONDS"]),
            ahead=ahead, stay=timedelta(seconds=config.get("QUEUE_AHEAD_SECONDS", 0)))

    def backoff(self, attempts: int) -> timedelta:
        """Wait before attempt `attempts + 1`: base, 2×base, 4×base… up to the maximum."""
        return min(self.retry_base * (2 ** max(attempts - 1, 0)), self.retry_max)


def new_owner() -> str:
    """Who holds a lease: host, process and a random part (≤ 64 characters)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


# ---------------------------------------------------------------------------- claiming


def claim_messages(now: datetime, owner: str, *, limit: int, lease: timedelta) -> list[int]:
    """Lease up to `limit` due texts to `owner` until `now + lease`, counting an attempt for
    each; committed, so another claimer sees them taken. Returns their ids."""
    # The candidates are picked once, in a MATERIALIZED CTE. As a subquery (`id IN (SELECT
    # … LIMIT n FOR UPDATE SKIP LOCKED)`) PostgreSQL may run them again for each row it
    # scans (a nested loop, as it plans on a table without fresh statistics), and each run
    # skips the rows this UPDATE has just changed and locks the next n: one claim then took
    # every due text (found by the crash drill: a batch of 5 claimed 50).
    candidates = (select(Message.id).where(_due(now)).order_by(Message.send_after)
                  .limit(limit).with_for_update(skip_locked=True)
                  .cte("candidates").prefix_with("MATERIALIZED"))
    with turn_to_write():
        claimed = db.session.execute(
            update(Message).where(Message.id.in_(select(candidates.c.id)), _due(now))
            .values(status=MessageStatus.SENDING, lease_owner=owner, lease_until=now + lease,
                    attempts=Message.attempts + 1)
            .returning(Message.id)
            .execution_options(synchronize_session=False))
        ids = list(claimed.scalars())
        transactions.commit()  # the claim is ours before Clickatell is asked
    return ids


def claim_with_slots(now: datetime, owner: str, settings: Settings) -> PacedClaim:
    """`claim_messages` with the rate limit on: only texts their numbers can send within
    `settings.ahead`, each with its slot reserved (`outbox.pacing`); committed."""
    with turn_to_write():
        claim = claim_paced(now, _real_us(), owner, limit=settings.batch,
                            lease=settings.lease, per_second=settings.rate_per_second,
                            ahead=settings.ahead)
        transactions.commit()  # the claim and its slots are ours before Clickatell is asked
    return claim


def _real_us() -> int:
    """The real clock in microseconds: slots are real time, whatever `now` a pass acts at."""
    return int(time.time() * 1_000_000)


# ---------------------------------------------------------------------------- one text


@dataclass
class Job:
    """What a worker needs to send one claimed text, read before any network call."""

    id: int
    attempts: int
    recipient: str
    body: str
    sender: str
    client_message_id: str
    account_id: int | None
    lease_until: datetime
    practice_id: int = 0
    #: When its number's slot begins (microseconds since the epoch; 0: no rate limit).
    slot_us: int = 0
    #: A status callback from Clickatell has reached us for this account before.
    callbacks_proven: bool = False
    #: Set when the text must not go out now (`outbox.policy.verdict`).
    verdict: Verdict | None = None


@dataclass
class Outcome:
    job: Job
    status: MessageStatus  # SENT (or further), QUEUED (try again), FAILED, CANCELLED
    detail: str = ""
    gateway_message_id: str | None = None
    status_code: str | None = None
    parts: int | None = None
    send_after: datetime | None = None
    attempts: int | None = None
    no_credit: bool = False
    recovered: bool = False  # found at Clickatell by our id instead of sent again
    held_by: BlockerKind | None = None  # queued again until the account can send
    account_hold: str | None = None  # Clickatell refused the whole account: why
    opted_out: bool = False  # Clickatell says the recipient opted out


@dataclass
class DispatchResult:
    sent: int = 0
    recovered: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    rescheduled: int = 0
    held: int = 0
    lease_lost: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, outcome: Outcome | None) -> None:
        with self.lock:
            if outcome is None:
                self.lease_lost += 1
            elif outcome.recovered:
                self.recovered += 1
            elif outcome.held_by is not None:
                self.held += 1
            elif outcome.status is MessageStatus.QUEUED:
                if outcome.attempts is not None and outcome.attempts < outcome.job.attempts:
                    self.rescheduled += 1
                else:
                    self.retried += 1
            elif outcome.status is MessageStatus.FAILED:
                self.failed += 1
            elif outcome.status is MessageStatus.CANCELLED:
                self.cancelled += 1
            else:
                self.sent += 1


def _verdicts(rows: list[Message], appointments: dict[int, Appointment],
              practices: dict[int, Practice], now: datetime) -> list[Verdict | None]:
    """The send policy for each claimed text, asked for the batch at once (`verdicts`); an
    offer past its end is cancelled first."""
    asked = [(row.kind, Outgoing(practices[row.practice_id], row.patient,
                                 appointments.get(row.appointment_id), row.id))
             for row in rows if not _expired(row, now)]
    found = iter(verdicts(asked, now))
    return [Verdict.cancel(EXPIRED) if _expired(row, now) else next(found) for row in rows]


def _expired(message: Message, now: datetime) -> bool:
    return message.expires_at is not None and message.expires_at <= now


def load_jobs(ids: list[int], now: datetime, clients: dict[int, SmsGateway]
              ) -> list[Job]:
    """Read the claimed texts and everything the checks need, in a few queries."""
    rows = db.session.scalars(select(Message).where(Message.id.in_(ids))
                              .options(selectinload(Message.patient))
                              .order_by(Message.send_after, Message.id)).all()
    appointment_ids = {row.appointment_id for row in rows if row.appointment_id}
    appointments = {a.id: a for a in db.session.scalars(
        select(Appointment).where(Appointment.id.in_(appointment_ids)))} if appointment_ids \
        else {}
    practice_ids = {row.practice_id for row in rows}
    practices = {p.id: p for p in db.session.scalars(
        select(Practice).where(Practice.id.in_(practice_ids)))}
    accounts = {a.practice_id: a for a in db.session.scalars(
        select(ClickatellAccount).where(ClickatellAccount.practice_id.in_(practice_ids)))}
    jobs = []
    for row, found in zip(rows, _verdicts(rows, appointments, practices, now), strict=True):
        account = accounts.get(row.practice_id)
        job = Job(id=row.id, attempts=row.attempts, recipient=row.recipient, body=row.body,
                  sender=row.sender, client_message_id=row.client_message_id,
                  account_id=account.id if account else None, lease_until=row.lease_until,
                  practice_id=row.practice_id,
                  callbacks_proven=account is not None
                  and account.status_callback_at is not None, verdict=found)
        if job.verdict is None and account.id not in clients:
            clients[account.id] = gateway_for(account)
        jobs.append(job)
    transactions.rollback()  # end the read: nothing is held open during the network calls
    return jobs


class Sender:
    """Sends claimed texts for one worker thread."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime], *,
                 real_clock: bool) -> None:
        self.settings = settings
        self.clock = clock
        self.real_clock = real_clock
        self.clients: dict[int, SmsGateway] = {}
        #: Accounts Clickatell refused as a whole (no credit, a revoked key…): their other
        #: texts are held unsent.
        self.held: dict[int, Blocker] = {}

    def close(self) -> None:
        for client in self.clients.values():
            client.close()
        self.clients.clear()

    def _again(self, job: Job, meaning: str) -> Outcome:
        """Try again after the back-off, or give up after the last attempt."""
        if job.attempts >= self.settings.max_attempts:
            return Outcome(job, MessageStatus.FAILED,
                           f"{meaning} Gave up after {job.attempts} attempts.")
        after = self.clock() + self.settings.backoff(job.attempts)
        return Outcome(job, MessageStatus.QUEUED,
                       f"Attempt {job.attempts} did not succeed: {meaning} Trying again.",
                       send_after=after)

    def _lease_ok(self, job: Job) -> bool:
        """Never start a send that could outlast our lease: another pass may be about to
        claim the row again."""
        if not self.real_clock:
            return True
        return utcnow() + self.settings.longest_call < job.lease_until

    def _hold(self, job: Job, blocker: Blocker, **extra) -> Outcome:
        """Queued again, uncounted (no attempt reached Clickatell), until the account can
        send: released by the first pass after that (`release_held`)."""
        return Outcome(job, MessageStatus.QUEUED, blocker.reason, held_by=blocker.kind,
                       send_after=self.clock() + HOLD, attempts=job.attempts - 1, **extra)

    def attempt(self, job: Job) -> Outcome | None:
        found = job.verdict
        if found is not None and found.action is Action.CANCEL:
            return Outcome(job, MessageStatus.CANCELLED, found.reason)
        if found is not None and found.action is Action.WAIT:
            return Outcome(job, MessageStatus.QUEUED, found.reason, send_after=found.until,
                           attempts=job.attempts - 1)
        if found is not None:
            return self._hold(job, found.blocker)
        if job.account_id in self.held:
            return self._hold(job, self.held[job.account_id])
        client = self.clients[job.account_id]
        if job.attempts > 1 and client.finds_by_client_id:
            found = self._ask(job, client)
            if found is not None:
                return found
            if _too_late(job, self.settings):  # asking took part of its slot: a new one
                wait_for_own_slot(job, self.settings)
        if not self._lease_ok(job):
            return None
        try:
            result = client.send(job.recipient, job.body, sender=job.sender,
                                 client_message_id=job.client_message_id)
        except GatewayUnavailable as error:
            if error.maybe_processed and not client.finds_by_client_id:
                return self._await_report(job, error.meaning)
            # It may have gone out: the next attempt asks before sending again.
            return self._again(job, error.meaning)
        except ProtocolError as error:  # an answer we cannot read: it may have been accepted
            if not client.finds_by_client_id:
                return self._await_report(job, error.meaning)
            return self._again(job, error.meaning)
        except ClickatellError as error:
            return self._refused(job, error)
        return Outcome(job, MessageStatus.SENT, "Accepted by Clickatell.",
                       gateway_message_id=result.api_message_id, parts=result.parts)

    def _refused(self, job: Job, error: ClickatellError) -> Outcome:
        """Clickatell refused the text: what its class (`codes.Remedy`) says to do."""
        match error.remedy:
            case Remedy.HOLD_PRACTICE if codes.is_no_credit(error.code):
                # Refused, not sent: held until credit returns (a balance read).
                self.held[job.account_id] = NO_CREDIT_LEFT
                return self._hold(job, NO_CREDIT_LEFT, no_credit=True)
            case Remedy.HOLD_PRACTICE:
                blocker = Blocker(BlockerKind.NOT_SET_UP,
                                  f"Reminders are on hold: {error.meaning}")
                self.held[job.account_id] = blocker
                return self._hold(job, blocker, account_hold=error.meaning)
            case Remedy.OPT_OUT:
                return Outcome(job, MessageStatus.FAILED, error.meaning, opted_out=True)
            case Remedy.RETRY_LATER:
                return self._again(job, error.meaning)
        return Outcome(job, MessageStatus.FAILED, error.meaning)

    def _await_report(self, job: Job, meaning: str) -> Outcome:
        """A send the gateway may have accepted, to a gateway that cannot be asked about it
        by our id: wait for the status callback (it marks the text sent), then send again
        if none came. Without any callback ever received, fail it with the reason."""
        if not job.callbacks_proven:
            return Outcome(job, MessageStatus.FAILED, f"{meaning} {NO_REPORTS_YET}")
        if job.attempts >= self.settings.max_attempts:
            return self._again(job, meaning)
        after = self.clock() + max(self.settings.backoff(job.attempts),
                                   self.settings.callback_wait)
        return Outcome(job, MessageStatus.QUEUED,
                       f"Attempt {job.attempts}: {meaning} Waiting for Clickatell's status "
                       "report before sending again.", send_after=after)

    def _ask(self, job: Job, client: SmsGateway) -> Outcome | None:
        """Did an earlier attempt reach Clickatell? An outcome if so (or if we cannot tell
        yet); None if Clickatell never saw it, so it may be sent."""
        try:
            status = client.status(client_message_id=job.client_message_id)
        except ClickatellError as error:
            if error.code == NOT_KNOWN:
                return None
            if error.retryable or isinstance(error, ProtocolError):
                return self._again(job, error.meaning)
            return Outcome(job, MessageStatus.FAILED, error.meaning)
        return Outcome(job, status_for_code(status.code), status.meaning,
                       gateway_message_id=status.api_message_id, status_code=status.code,
                       recovered=True)


# ---------------------------------------------------------------------------- recording

def _param(name: str, column):
    return bindparam(name, type_=column.type)


_SENT = (update(messages).where(messages.c.id == _param("b_id", messages.c.id))
         .values(gateway_message_id=_param("b_provider_id", messages.c.gateway_message_id),
                 sent_at=_param("b_now", messages.c.sent_at),
                 parts=func.coalesce(_param("b_parts", messages.c.parts), messages.c.parts),
                 status=case((messages.c.status == MessageStatus.SENDING,
                              _param("b_status", messages.c.status)),
                             else_=messages.c.status),
                 status_code=case((messages.c.status == MessageStatus.SENDING,
                                   _param("b_code", messages.c.status_code)),
                                  else_=messages.c.status_code),
                 status_detail=case((messages.c.status == MessageStatus.SENDING,
                                     _param("b_detail", messages.c.status_detail)),
                                    else_=messages.c.status_detail),
                 lease_owner=None, lease_until=None))
_SETTLED = (update(messages).where(messages.c.id == _param("b_id", messages.c.id),
                                   messages.c.status == MessageStatus.SENDING,
                                   messages.c.lease_owner == _param("b_owner",
                                                                    messages.c.lease_owner))
            .values(status=_param("b_status", messages.c.status),
                    status_detail=_param("b_detail", messages.c.status_detail),
                    send_after=func.coalesce(_param("b_after", messages.c.send_after),
                                             messages.c.send_after),
                    attempts=_param("b_attempts", messages.c.attempts),
                    held_by=_param("b_held", messages.c.held_by),
                    settled_at=_param("b_settled", messages.c.settled_at),
                    lease_owner=None, lease_until=None))
_MIRROR = (update(reminders).where(reminders.c.message_id == _param("b_id", messages.c.id),
                                   reminders.c.status == ReminderStatus.QUEUED)
           .values(status=_param("b_rstatus", reminders.c.status),
                   reason=_param("b_detail", reminders.c.reason),
                   updated_at=_param("b_now", reminders.c.updated_at)))


def record(outcomes: list[Outcome], owner: str, now: datetime) -> None:
    """Store every outcome of a batch in one transaction.

    A sent text is recorded whatever happened meanwhile (it did leave), but its status only
    moves on from `sending`: a delivery report may already have been applied. Anything else
    is recorded only while we still hold the lease.
    """
    sent, settled, mirrored = [], [], []
    no_credit_accounts: set[int] = set()
    holds: dict[int, str] = {}
    opted_out: set[tuple[int, str]] = set()
    for outcome in outcomes:
        job, detail = outcome.job, outcome.detail[:300]
        if outcome.gateway_message_id is not None:
            sent.append({"b_id": job.id, "b_provider_id": outcome.gateway_message_id,
                         "b_now": now, "b_parts": outcome.parts, "b_status": outcome.status,
                         "b_code": outcome.status_code, "b_detail": detail})
        else:
            settled.append({
                "b_id": job.id, "b_owner": owner, "b_status": outcome.status,
                "b_detail": detail,
                "b_after": outcome.send_after,
                "b_attempts": job.attempts if outcome.attempts is None else outcome.attempts,
                "b_held": outcome.held_by,
                "b_settled": None if outcome.status is MessageStatus.QUEUED else now})
        if outcome.status is not MessageStatus.QUEUED or outcome.held_by is not None:
            mirrored.append({"b_id": job.id, "b_rstatus": REMINDER_STATUS[outcome.status],
                             "b_detail": detail, "b_now": now})
        if outcome.no_credit and job.account_id is not None:
            no_credit_accounts.add(job.account_id)
        if outcome.account_hold is not None and job.account_id is not None:
            holds[job.account_id] = outcome.account_hold[:300]
        if outcome.opted_out:
            opted_out.add((job.practice_id, job.recipient))
    with turn_to_write():
        _write_outcomes(sent, settled, mirrored, no_credit_accounts, now, holds=holds,
                        opted_out=opted_out)


def _write_outcomes(sent: list[dict], settled: list[dict], mirrored: list[dict],
                    no_credit_accounts: set[int], now: datetime, *,
                    holds: dict[int, str] | None = None,
                    opted_out: set[tuple[int, str]] | None = None) -> None:
    connection = db.session.connection()
    if sent:
        connection.execute(_SENT, sent)
    if settled:
        connection.execute(_SETTLED, settled)
    if mirrored:
        connection.execute(_MIRROR, mirrored)
    if no_credit_accounts:
        # Clickatell said the credit is gone: the balance is 0 until the next check, which
        # holds the practice's texts and puts "no credit" on every staff page
        # (`sending_blocker`).
        db.session.execute(update(ClickatellAccount)
                           .where(ClickatellAccount.id.in_(no_credit_accounts))
                           .values(balance=0, balance_checked_at=now)
                           .execution_options(synchronize_session=False))
    for account_id, reason in (holds or {}).items():
        # Clickatell refused the whole account (a revoked key, an unlinked number…): held
        # with its reason until someone fixes it (`sending_blocker`).
        db.session.execute(update(ClickatellAccount).where(ClickatellAccount.id == account_id)
                           .values(held_reason=reason)
                           .execution_options(synchronize_session=False))
    for practice_id, mobile in sorted(opted_out or ()):
        recipient_opted_out.send(db.session.get(Practice, practice_id), mobile=mobile, now=now)
    transactions.commit()


# ---------------------------------------------------------------------------- a pass


#: How long an idle sender waits for the queueing stage to put more texts in the outbox.
POLL = 0.02


#: Longest an idle sender waits before claiming again while texts wait for their slots.
IDLE_MAX = 0.5
#: A sender does not start a claim this close (seconds) to the slot of a text it holds.
CLAIM_MARGIN = 0.05
#: A text that a busy sender reaches later than this share of an interval after its slot
#: takes a new slot instead of leaving now: it would leave too close to the number's next
#: text, sent on time by another sender (found by the rate-limited crash drill: two texts
#: of one number 0.03 s apart). So two texts of a number leave at least 0.6 of an interval
#: apart, and on average at the rate; a smaller share re-slots more texts on a busy machine
#: (each then waits behind the number's reserved slots).
LATE_SHARE = 0.4


def _claim(settings: Settings, clock: Callable[[], datetime], owner: str
           ) -> tuple[dict[int, int], int | None]:
    """Claim a batch: {text id: its slot}, and when a claim may find more (microseconds;
    None when nothing is due at all)."""
    if settings.rate_per_second <= 0:
        ids = claim_messages(clock(), owner, limit=settings.batch, lease=settings.lease)
        return dict.fromkeys(ids, 0), None
    claim = claim_with_slots(clock(), owner, settings)
    return {one.id: one.slot_us for one in claim.claimed}, claim.next_slot_us


def new_slot(job: Job, settings: Settings) -> int:
    """Reserve the next free slot of the text's number for it alone (a text that missed
    the slot its claim reserved, or one sent outside a pass); returns when it begins."""
    return take_slot(job.sender, _real_us(), interval_us(settings.rate_per_second))


def wait_for_own_slot(job: Job, settings: Settings) -> None:
    """With the rate limit on, reserve a slot for this text and wait until it begins."""
    if settings.rate_per_second > 0:
        job.slot_us = new_slot(job, settings)
        time.sleep(max(0.0, (job.slot_us - _real_us()) / 1_000_000))


def _too_late(job: Job, settings: Settings) -> bool:
    """Is it too late for this text to use its slot (it would leave too close to the next)?
    Only a text that is to be sent: one cancelled or held uses no slot."""
    return job.slot_us > 0 and job.verdict is None and _too_late_for(job.slot_us, settings)


def _too_late_for(slot_us: int, settings: Settings) -> bool:
    return _real_us() - slot_us > LATE_SHARE * interval_us(settings.rate_per_second)


def move_up(late: Job, waiting: list[tuple[int, int, Job]], settings: Settings) -> int:
    """A text reached too late for its slot takes the next slot this sender holds for its
    number, that slot's text the next, and so on; the last of them takes the number's next
    free slot (`new_slot`). So the number keeps its pace, and its texts their due order,
    however late a busy sender is; a text is never dropped. Slots of the number that have
    passed too are not used: as many new slots are taken as slots were missed. Returns how
    many new slots were taken."""
    ours = [entry for entry in waiting
            if entry[2].sender == late.sender and entry[2].verdict is None]
    if ours:
        moved = {text_id for _, text_id, _ in ours}
        waiting[:] = [entry for entry in waiting if entry[1] not in moved]
        heapq.heapify(waiting)
    ours.sort()
    chain = [late] + [job for _, _, job in ours]
    usable = [slot for slot, _, _ in ours if not _too_late_for(slot, settings)]
    for job, slot in zip(chain, usable, strict=False):
        job.slot_us = slot
    missed = chain[len(usable):]
    for job in missed:
        job.slot_us = new_slot(job, settings)
    for job in chain:
        heapq.heappush(waiting, (job.slot_us, job.id, job))
    return len(missed)


def return_unused_slots(jobs: list[Job], settings: Settings) -> int:
    """Texts the send policy stops (cancelled, waiting for quiet hours, held) leave no
    gap in their number's pace: the claim's other texts of that number move up into the
    earliest of its slots (in due order), and the slots left over are given back to the
    number if no claim has reserved one after them (`pacing.give_back`). A stopped text is
    recorded at once; it uses no slot. Returns how many slots were given back."""
    step = interval_us(settings.rate_per_second)
    by_number: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        by_number[job.sender].append(job)
    returned = 0
    for number, held in by_number.items():
        leaving = sorted((job for job in held if job.verdict is None),
                         key=lambda job: job.slot_us)
        if len(leaving) == len(held):
            continue
        reserved = sorted(job.slot_us for job in held)
        for job, slot in zip(leaving, reserved, strict=False):
            job.slot_us = slot
        for job in held:
            if job.verdict is not None:
                job.slot_us = 0
        unused = reserved[len(leaving):]
        with turn_to_write():
            if give_back(number, unused[0], unused[-1] + step):
                returned += len(unused)
            transactions.commit()
    return returned


def _work(settings: Settings, clock: Callable[[], datetime], real_clock: bool, owner: str,
          result: DispatchResult, queueing_done: threading.Event | None = None) -> None:
    """One sender: send each claimed text when its slot begins, in slot order whatever its
    number; when none is ready, record what left and claim more. It sleeps only when
    nothing it could send is ready: not on one number while another's text is."""
    sender = Sender(settings, clock, real_clock=real_clock)
    stay_until = clock() + settings.stay if real_clock else None
    waiting: list[tuple[int, int, Job]] = []  # (slot, id, job): a heap, the next slot first
    outcomes: list[Outcome] = []
    claim_at = 0.0  # the real clock (seconds) at which claiming again may find texts
    try:
        while True:
            if waiting and waiting[0][0] <= _real_us():
                job = heapq.heappop(waiting)[2]
                if _too_late(job, settings):
                    move_up(job, waiting, settings)
                    continue
                outcome = sender.attempt(job)
                result.count(outcome)
                if outcome is not None:
                    outcomes.append(outcome)
                continue
            if outcomes:
                record(outcomes, owner, clock())
                outcomes = []
            soon = bool(waiting) and waiting[0][0] / 1_000_000 - time.time() < CLAIM_MARGIN
            if time.time() >= claim_at and not soon:
                # Read the flag before claiming: once it is set, every text it promised is
                # committed, so an empty claim after it means there is nothing left.
                finished = queueing_done is None or queueing_done.is_set()
                slots, next_slot_us = _claim(settings, clock, owner)
                if slots:
                    jobs = load_jobs(list(slots), clock(), sender.clients)
                    for job in jobs:
                        job.slot_us = slots[job.id]
                    if settings.rate_per_second > 0:
                        return_unused_slots(jobs, settings)
                    for job in jobs:
                        heapq.heappush(waiting, (job.slot_us, job.id, job))
                    continue
                if not waiting and next_slot_us is None and finished:
                    upcoming = _next_queued(stay_until) if stay_until is not None else None
                    if upcoming is None:
                        return
                    # (one already due that this claim did not take: look again shortly)
                    claim_at = upcoming if upcoming > time.time() else time.time() + IDLE_MAX
                    time.sleep(max(0.0, claim_at - time.time()))
                    continue
                if next_slot_us is None:  # nothing due: more may be queued meanwhile
                    pause = POLL if not finished else IDLE_MAX
                else:  # due, but every number's next slot is taken: until one frees
                    pause = min(IDLE_MAX, max(POLL, next_slot_us / 1_000_000 - time.time()))
                claim_at = time.time() + pause
            until = claim_at if not waiting else waiting[0][0] / 1_000_000 if soon else min(
                claim_at, waiting[0][0] / 1_000_000)
            time.sleep(max(0.0, until - time.time()))
    finally:
        sender.close()


def _next_queued(until: datetime) -> float | None:
    """When (epoch seconds) the first text queued to leave by `until` is due, if the real
    clock has not passed `until` yet."""
    if utcnow() >= until:
        return None
    first = db.session.scalar(
        select(Message.send_after)
        .where(Message.direction == Direction.OUTBOUND, Message.status == MessageStatus.QUEUED,
               Message.held_by.is_(None), Message.send_after <= until)
        .order_by(Message.send_after).limit(1))
    transactions.commit()  # end the read
    return first.timestamp() if first is not None else None


def _in_context(app: Flask, function: Callable[..., None], *args) -> None:
    with app.app_context():
        function(*args)


def release_held(now: datetime) -> int:
    """Make the texts held for an account that can send again (credit bought, a balance
    read) due at `now`; committed. Returns how many were released."""
    held = (Message.status == MessageStatus.QUEUED, Message.held_by.is_not(None))
    with turn_to_write():
        practice_ids = db.session.scalars(select(Message.practice_id).where(*held)
                                          .distinct()).all()
        free = [account.practice_id for account in db.session.scalars(
            select(ClickatellAccount).where(ClickatellAccount.practice_id.in_(practice_ids)))
            if sending_blocker(account) is None] if practice_ids else []
        released = db.session.execute(
            update(Message).where(Message.practice_id.in_(free), *held)
            .values(held_by=None, send_after=now)
            .execution_options(synchronize_session=False)).rowcount if free else 0
        transactions.commit()
    return released


def dispatch_due(now: datetime | None = None, *, owner: str | None = None,
                 concurrency: int | None = None) -> DispatchResult:
    """Send every text due at `now` (default: the real time, read afresh at each claim)."""
    return dispatch_while(now, owner=owner, concurrency=concurrency)[0]


def dispatch_while(now: datetime | None, queueing: Callable[[], object] | None = None, *,
                   owner: str | None = None, concurrency: int | None = None
                   ) -> tuple[DispatchResult, object]:
    """`dispatch_due`; with `queueing`, that function runs in this thread while the sender
    threads already send what it puts in the outbox (its result comes back too)."""
    app = current_app._get_current_object()
    settings = Settings.from_config(app.config)
    workers = concurrency or settings.concurrency
    clock = (lambda: now) if now is not None else utcnow
    owner = owner or new_owner()
    result = DispatchResult()
    release_held(clock())
    if workers == 1 and queueing is None:
        _work(settings, clock, now is None, owner, result)
        return result, None
    queueing_done = threading.Event()
    queued = None
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dispatch") as pool:
        futures = [pool.submit(_in_context, app, _work, settings, clock, now is None,
                               f"{owner}/{n}", result, queueing_done) for n in range(workers)]
        try:
            if queueing is not None:
                queued = queueing()
        finally:
            queueing_done.set()
            for future in futures:
                future.result()
    return result, queued
