"""How fast does the dispatcher send due reminders, against a bare HTTP loop?

    .venv/bin/python bench/dispatch.py [--count 10000] [--concurrency 4] [--database URL]

Seeds COUNT reminders that are all due, runs one dispatch pass (rate limit off, faults off)
against the Clickatell sandbox in its own process, and times it: reminders per second from
"due" to "sent, Clickatell's id recorded". Then it resets the sandbox and sends the very same
requests (same texts, numbers, sender, options, fresh client ids) with a bare `requests` loop
at the same concurrency. The ratio says what the dispatcher's bookkeeping costs (target:
at least 0.8). The app's database is a temporary SQLite file unless --database is given.
Peak memory is the resident set of this process while each side runs (sampled every 20 ms;
in brackets, the growth during the run).
"""

import argparse
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

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

    practice = Practice(name=practice_name, timezone="America/New_York")
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
            started = time.perf_counter()
            result = run_pass(now)
            elapsed = time.perf_counter() - started
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
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(send, texts))
        elapsed = time.perf_counter() - started
    return elapsed, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database", help="app database URL (default: a temp SQLite file)")
    args = parser.parse_args()
    database_url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/app.db"
    sandbox = SandboxProcess()
    try:
        dispatcher_seconds, texts, dispatcher_memory = run_dispatcher(
            args.count, args.concurrency, database_url, sandbox)
        sandbox.reset()
        bare_seconds, bare_memory = run_bare_loop(texts, args.concurrency, sandbox)
    finally:
        sandbox.stop()
    dispatcher_rate = args.count / dispatcher_seconds
    bare_rate = args.count / bare_seconds
    print(f"$ .venv/bin/python bench/dispatch.py --count {args.count} "
          f"--concurrency {args.concurrency}" + (f" --database {args.database}"
                                                  if args.database else ""))
    print(f"machine: {machine()}")
    print(f"{args.count} due reminders, {args.concurrency} senders, rate limit off, faults off, "
          f"app database: {database_url.split(':')[0]}\n")
    print(table([
        ("dispatcher (claim, render, send, record)", f"{dispatcher_seconds:.1f}",
         f"{dispatcher_rate:.1f}", dispatcher_memory.mib),
        ("bare HTTP loop (same requests)", f"{bare_seconds:.1f}", f"{bare_rate:.1f}",
         bare_memory.mib),
    ], ("", "seconds", "per second", "peak memory (RSS)")))
    print(f"\nratio dispatcher / bare loop: {dispatcher_rate / bare_rate:.2f} (target ≥ 0.80)")


if __name__ == "__main__":
    main()
