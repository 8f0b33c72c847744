"""How fast does the dispatcher send due reminders, against a bare HTTP loop?

    .venv/bin/python bench/dispatch.py [--count 2000] [--rounds 5] [--concurrency 4]
                                       [--database URL]

Seeds COUNT reminders that are all due, runs one dispatch pass (rate limit off, faults off)
against the Clickatell sandbox in its own process, and times it: reminders per second from
"due" to "sent, Clickatell's id recorded". Then it resets the sandbox and sends the very same
requests (same texts, numbers, sender, options, fresh client ids) with a bare `requests` loop
at the same concurrency. The ratio says what the dispatcher's bookkeeping costs (target:
at least 0.9). One run alternates the two sides ROUNDS times (dispatcher first in even
rounds, the bare loop first in odd ones), each against a freshly reset sandbox, so that both
see the same sandbox state and the same moments of a shared machine; it reports each
round's ratio, their median and spread. The app's database is a temporary SQLite file unless
--database is given. Peak memory is the resident set of this process while each side runs
(sampled every 20 ms; in brackets, the growth during the run).
"""

import argparse
import os
import statistics
import tempfile
import threading
import time as clock
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta

import requests
from _common import PeakMemory, SandboxProcess, machine, table

PASSWORD = "Secret123"
NUMBER = "+14155550100"


def seed(db, practice_name: str, count: int, sandbox: SandboxProcess, now: datetime):
    from reminder_app.models import (
        Appointment,
        ClickatellAccount,
        Patient,
        Practice,
        Provider,
        Reminder,
    )
    from reminder_app.reminders.rules import rules_for

    # No quiet hours: the benchmark runs at any hour of the day.
    practice = Practice(name=practice_name, timezone="America/New_York",
                        quiet_start=time(0, 0), quiet_end=time(0, 0))
    db.session.add(practice)
    db.session.flush()
    created = sandbox.create_account(user="bench", password=PASSWORD, credits=10 * count,
                                     long_number=NUMBER, account_id=9)
    account = ClickatellAccount(
        practice_id=practice.id, username="bench", email="b@example.com",
        mobile="+12015550142", country_id=226, api_id=str(created["api_id"]),
        long_number=NUMBER, balance=10 * count, email_activated_at=now, sms_activated_at=now)
    account.password = PASSWORD
    provider = Provider(practice_id=practice.id, name="Dr. Amelia Reyes")
    db.session.add_all([account, provider])
    rule = rules_for(practice)[1]  # 2 hours before
    db.session.flush()
    starts = now + timedelta(hours=1)  # the 2-hour reminder is due; the visit is ahead
    for n in range(count):
        patient = Patient(practice_id=practice.id, first_name=f"Pat{n}", last_name="Bench",
                          mobile=f"+1202555{n % 10000:04d}" if n < 10000 else f"+1203{n:07d}",
                          sms_consent=True, consented_at=now)
        appointment = Appointment(practice_id=practice.id, patient=patient, provider=provider,
                                  starts_at=starts)
        db.session.add(Reminder(practice_id=practice.id, appointment=appointment, rule=rule,
                                send_at=now - timedelta(minutes=1), appointment_starts_at=starts))
        if n % 2000 == 1999:
            db.session.flush()
    db.session.commit()


def run_dispatcher(count: int, concurrency: int, database_url: str, sandbox: SandboxProcess
                   ) -> tuple[float, list[tuple[str, str]], PeakMemory]:
    from reminder_app import create_app
    from reminder_app.extensions import db
    from reminder_app.models import Message, MessageStatus
    from reminder_app.reminders.passes import run_pass

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                      "CLICKATELL_API_URL": sandbox.url, "OUTBOX_RATE_PER_SECOND": 0,
                      "OUTBOX_CONCURRENCY": concurrency, "OUTBOX_BATCH_SIZE": 20})
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed(db, "Bench Practice", count, sandbox, now)
        with PeakMemory() as memory:
            started = clock.perf_counter()
            result = run_pass(now)
            elapsed = clock.perf_counter() - started
        sent = db.session.scalar(db.select(db.func.count()).select_from(Message).where(
            Message.status == MessageStatus.SENT, Message.gateway_message_id.is_not(None)))
        if sent != count or result.outbox.sent != count:
            raise SystemExit(f"only {sent} of {count} sent: {result.summary()}")
        requests_sent = [(m.recipient, m.body) for m in db.session.scalars(db.select(Message))]
        db.drop_all()
        db.engine.dispose()
    return elapsed, requests_sent, memory


def run_bare_loop(texts: list[tuple[str, str]], concurrency: int,
                  sandbox: SandboxProcess) -> float:
    created = sandbox.create_account(user="bench", password=PASSWORD, credits=10 * len(texts),
                                     long_number=NUMBER, account_id=9)
    session_id = requests.post(f"{sandbox.url}/http/auth", data={
        "api_id": created["api_id"], "user": "bench", "password": PASSWORD},
        timeout=10).text.split()[1]
    local = threading.local()

    def send(item: tuple[str, str]) -> None:
        http = getattr(local, "http", None)
        if http is None:
            http = local.http = requests.Session()
        to, text = item
        answer = http.post(f"{sandbox.url}/http/sendmsg", timeout=30, data={
            "session_id": session_id, "to": to[1:], "text": text, "from": NUMBER[1:],
            "mo": "1", "callback": "7", "climsgid": uuid.uuid4().hex})
        if not answer.text.startswith("ID:"):
            raise RuntimeError(answer.text)

    with PeakMemory() as memory:
        started = clock.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(send, texts))
        elapsed = clock.perf_counter() - started
    return elapsed, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database", help="app database URL (default: a temp SQLite file)")
    args = parser.parse_args()
    database_url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/app.db"
    sandbox = SandboxProcess()
    rounds = []
    load = os.getloadavg()[0]
    texts = None
    try:
        for n in range(args.rounds):
            sides = {}
            for side in (("dispatcher", "bare") if n % 2 == 0 or texts is None
                         else ("bare", "dispatcher")):
                sandbox.reset()
                if side == "dispatcher":
                    seconds, texts, memory = run_dispatcher(
                        args.count, args.concurrency, database_url, sandbox)
                else:
                    seconds, memory = run_bare_loop(texts, args.concurrency, sandbox)
                sides[side] = (seconds, memory)
            rounds.append(sides)
    finally:
        sandbox.stop()
    ratios = [r["bare"][0] / r["dispatcher"][0] for r in rounds]
    print(f"$ .venv/bin/python bench/dispatch.py --count {args.count} --rounds {args.rounds} "
          f"--concurrency {args.concurrency}" + (f" --database {args.database}"
                                                  if args.database else ""))
    print(f"machine: {machine()}; load average {load:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")
    print(f"{args.count} due reminders, {args.concurrency} senders, rate limit off, faults off, "
          f"app database: {database_url.split(':')[0]}\n")
    rows = []
    for n, (r, ratio) in enumerate(zip(rounds, ratios, strict=True)):
        first = "dispatcher" if n % 2 == 0 else "bare loop"
        rows.append((n + 1, first, f"{r['dispatcher'][0]:.1f}",
                     f"{args.count / r['dispatcher'][0]:.1f}", r["dispatcher"][1].mib,
                     f"{r['bare'][0]:.1f}", f"{args.count / r['bare'][0]:.1f}",
                     r["bare"][1].mib, f"{ratio:.2f}"))
    print(table(rows, ("round", "first", "dispatcher s", "per s", "peak memory (RSS)",
                       "bare loop s", "per s", "peak memory (RSS)", "ratio")))
    print(f"\nratio dispatcher / bare loop: median {statistics.median(ratios):.2f}, "
          f"spread {min(ratios):.2f}–{max(ratios):.2f} over {len(ratios)} rounds "
          "(target ≥ 0.90)")


if __name__ == "__main__":
    main()
