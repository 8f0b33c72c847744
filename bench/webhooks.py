"""How many callbacks a second do the two webhooks take, under gunicorn on PostgreSQL?

    .venv/bin/python bench/webhooks.py [--requests 5000] [--seconds 60] [--concurrency 4]
                                       [--workers 2] [--threads 1] [--in-process-only]

Serves the app with gunicorn (WORKERS sync workers; with THREADS > 1, gthread workers of
THREADS threads each) on a free loopback port, on a PostgreSQL database of its own (created
on the server of TEST_DATABASE_URL, or the local one, and dropped afterwards), seeded with a
practice, 2,600 patients with an appointment tomorrow and the reminder that went out for it
(the text, and the reminder row its reports are mirrored on). A load generator in this
process (CONCURRENCY threads, `http.client`, a new connection per request, as Clickatell
makes them) then posts, after 200 unmeasured warm-up requests:

- inbound replies (`/webhooks/clickatell/<secret>/inbound`), each a new message (moMsgId) from
  one of the patients: one in four a "C" (confirmed, answered), the rest free text for staff;
- delivery reports (`…/status`), 003 then 004 for each text: each a new status.

Each phase stops after REQUESTS requests or SECONDS seconds, whichever comes first, and
reports requests per second and the latency percentiles seen by the client, then the CPU
time each part used per request (gunicorn, PostgreSQL, the load generator, the rest of the
machine), read from /proc: what the rate is bounded by on a machine of 2 CPUs.
Targets: ≥ 500 requests/s and p99 < 50 ms.
"""

import argparse
import http.client
import os
import secrets
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import requests
from _common import (
    ROOT,
    CpuMeter,
    free_port,
    machine,
    percentile,
    postgres_server,
    scratch_database,
    table,
)
from cryptography.fernet import Fernet
from sqlalchemy import make_url

PATIENTS = 2600  # 2 reports each: enough for 5,000 requests after the warm-up
PROFILED = 300  # texts reported on (and replies) in the in-process profile, per webhook
NUMBER = "+12015550199"
WARM_UP = 200


def seed(database_url: str, patients: int) -> tuple[str, str, list[tuple[str, str, str]]]:
    """The account's callback secret and api_id, and (mobile, apiMsgId, cliMsgId) per text."""
    from sqlalchemy import insert

    from reminder_app import create_app
    from reminder_app.extensions import db
    from reminder_app.models import (
        Appointment,
        ClickatellAccount,
        Direction,
        Message,
        MessageKind,
        MessageStatus,
        Patient,
        Practice,
        Provider,
        Reminder,
        ReminderStatus,
    )
    from reminder_app.reminders.rules import rules_for

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        now = datetime.now(UTC).replace(microsecond=0)
        practice = Practice(name="Bench Practice", timezone="America/New_York")
        db.session.add(practice)
        db.session.flush()
        account = ClickatellAccount(
            practice_id=practice.id, username="bench", email="b@example.com",
            mobile="+12015550142", country_id=226, api_id="3500001", long_number=NUMBER,
            balance=100_000, email_activated_at=now, sms_activated_at=now)
        account.password = "Secret123"
        provider = Provider(practice_id=practice.id, name="Dr. Bench")
        db.session.add_all([account, provider])
        db.session.flush()
        mobiles = [f"+1202555{n:04d}" for n in range(patients)]
        patients = db.session.execute(
            insert(Patient).returning(Patient.id, sort_by_parameter_order=True), [
                {"practice_id": practice.id, "first_name": f"Pat{n}", "last_name": "Bench",
                 "mobile": mobile, "sms_consent": True, "consented_at": now}
                for n, mobile in enumerate(mobiles)]).scalars().all()
        starts = now + timedelta(days=1)
        appointments = db.session.execute(
            insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True), [
                {"practice_id": practice.id, "patient_id": patient_id,
                 "provider_id": provider.id, "starts_at": starts + timedelta(minutes=n % 480)}
                for n, patient_id in enumerate(patients)]).scalars().all()
        texts = [(mobile, secrets.token_hex(16), secrets.token_hex(16)) for mobile in mobiles]
        message_ids = db.session.execute(
            insert(Message).returning(Message.id, sort_by_parameter_order=True), [
                {"practice_id": practice.id, "patient_id": patient_id,
                 "appointment_id": appointment_id, "direction": Direction.OUTBOUND,
                 "kind": MessageKind.REMINDER, "sender": NUMBER, "recipient": mobile,
                 "body": "Reminder: your appointment tomorrow. Reply C to confirm.",
                 "status": MessageStatus.SENT, "gateway_message_id": api_id,
                 "client_message_id": cli_id, "sent_at": now, "attempts": 1}
                for patient_id, appointment_id, (mobile, api_id, cli_id)
                in zip(patients, appointments, texts, strict=True)]).scalars().all()
        rule = rules_for(practice)[0]
        db.session.execute(insert(Reminder), [
            {"practice_id": practice.id, "appointment_id": appointment_id, "rule_id": rule.id,
             "send_at": now, "appointment_starts_at": starts + timedelta(minutes=n % 480),
             "status": ReminderStatus.SENT, "message_id": message_id}
            for n, (appointment_id, message_id) in enumerate(zip(appointments, message_ids,
                                                                 strict=True))])
        db.session.commit()
        secret = account.callback_secret
        db.engine.dispose()
    return secret, "3500001", texts


def inbound_bodies(api_id: str, texts) -> "iter[bytes]":
    stamp = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    n = 0
    while True:
        mobile = texts[n % len(texts)][0]
        text = "C" if n % 4 == 0 else "Running 10 minutes late, sorry"
        yield urlencode({"api_id": api_id, "from": mobile[1:], "to": NUMBER[1:],
                         "timestamp": stamp, "text": text, "charset": "ISO-8859-1", "udh": "",
                         "moMsgId": secrets.token_hex(16)}).encode()
        n += 1


def status_bodies(api_id: str, texts) -> "iter[bytes]":
    now = int(time.time())
    for code in ("003", "004"):
        for mobile, api_message_id, client_message_id in texts:
            yield urlencode({"api_id": api_id, "apiMsgId": api_message_id,
                             "cliMsgId": client_message_id, "timestamp": str(now),
                             "to": mobile[1:], "from": NUMBER[1:], "status": code,
                             "charge": "1.0"}).encode()


def load(port: int, path: str, bodies, *, count: int, seconds: float, concurrency: int):
    """POST `count` bodies (or for `seconds`), `concurrency` at a time; returns
    (elapsed seconds, latencies in ms, non-200 answers)."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    sent = 0
    deadline = time.monotonic() + seconds

    def worker() -> None:
        nonlocal sent
        while True:
            with lock:
                if sent >= count or time.monotonic() > deadline:
                    return
                body = next(bodies, None)
                if body is None:
                    return
                sent += 1
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("POST", path, body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                response.read()
                outcome = None if response.status == 200 else str(response.status)
            except OSError as error:
                outcome = type(error).__name__
            finally:
                connection.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if outcome is not None:
                    errors.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def set_synchronous_commit_off(database_url: str) -> None:
    import psycopg
    from sqlalchemy import make_url

    url = make_url(database_url)
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{url.database}" SET synchronous_commit = off')


def serve(database_url: str, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    # Production settings (the app refuses development values); Clickatell is never called.
    env = {**os.environ, "REMINDER_APP_CONFIG": "production", "DATABASE_URL": database_url,
           "SECRET_KEY": secrets.token_hex(32),
           "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
           "PUBLIC_BASE_URL": "https://reminders.bench.invalid",
           "CLICKATELL_CONNECT_URL": "https://connect.clickatell.invalid",
           "CLICKATELL_API_URL": "https://api.clickatell.invalid",
           "CLICKATELL_CONNECT_TOKEN": secrets.token_hex(16), "WEB_CONCURRENCY": str(workers),
           # The answers are queued in the reply's transaction (measured); sending them at
           # once, after the response, is a call to Clickatell (bench/reply_latency.py).
           "ANSWERS_AT_ONCE": "0"}
    worker_class = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 \
        else ["--worker-class", "sync"]
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
         *worker_class, "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok:
                return process, port
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    process.wait(30)
    raise SystemExit("gunicorn did not start")


def in_process(database_url: str, secret: str, api_id: str, texts) -> list[tuple]:
    """Each webhook called PROFILED times in this process, straight through WSGI (no HTTP,
    no gunicorn): SQL statements and commits per callback, the CPU time of one, and how much
    of it the processing function takes (`replies.handle_inbound`, or
    `delivery.apply_delivery_report`); the rest is the webhook's own work and Flask's."""
    from sqlalchemy import event
    from werkzeug.test import EnvironBuilder

    from reminder_app import create_app
    from reminder_app.extensions import db
    from reminder_app.inbound import replies
    from reminder_app.inbound import webhooks as delivery  # the name the webhook calls

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "ANSWERS_AT_ONCE": False})
    counted = {"statements": 0, "commits": 0, "processing": 0.0}

    def count(name):
        def listener(*_):
            counted[name] += 1
        return listener

    def timed(function):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                counted["processing"] += time.process_time() - started
        return wrapper

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count("statements"))
        event.listen(db.engine, "commit", count("commits"))
    rows = []
    for name, module, function, kind, bodies in (
            ("inbound reply (MO)", replies, "handle_inbound", "inbound",
             inbound_bodies(api_id, texts)),
            ("delivery report", delivery, "apply_delivery_report", "status",
             status_bodies(api_id, texts))):
        environs = [EnvironBuilder(
            path=f"/webhooks/clickatell/{secret}/{kind}", method="POST", data=body,
            content_type="application/x-www-form-urlencoded").get_environ()
            for body, _ in zip(bodies, range(PROFILED), strict=False)]
        original = getattr(module, function)
        setattr(module, function, timed(original))
        try:
            for environ in environs[:20]:  # warm-up: prepared statements, caches
                b"".join(app(environ, lambda *_: None))
            counted.update(statements=0, commits=0, processing=0.0)
            started = time.process_time()
            for environ in environs[20:]:
                b"".join(app(environ, lambda *_: None))
            cpu = (time.process_time() - started) * 1000 / (len(environs) - 20)
        finally:
            setattr(module, function, original)
        calls = len(environs) - 20
        processing = counted["processing"] * 1000 / calls
        rows.append((name, f"{counted['statements'] / calls:.1f}",
                     f"{counted['commits'] / calls:.2f}", f"{cpu:.2f}", f"{processing:.2f}",
                     f"{cpu - processing:.2f}"))
    with app.app_context():
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="per webhook")
    parser.add_argument("--seconds", type=float, default=60, help="per webhook, at most")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker (gunicorn's gthread worker class); "
                             "1: sync workers")
    parser.add_argument("--synchronous-commit", choices=["on", "off"], default="on",
                        help="PostgreSQL's setting for the bench database (off: a commit does "
                             "not wait for its WAL flush; shows what the flushes cost)")
    parser.add_argument("--in-process-only", action="store_true",
                        help="only the in-process part (statements, CPU per callback): no "
                             "gunicorn, no load; steadier than rates on a shared machine")
    args = parser.parse_args()
    server = postgres_server()
    if server is None:
        print("bench/webhooks.py: SKIPPED, it needs PostgreSQL: set TEST_DATABASE_URL or run "
              "a server on 127.0.0.1:5432 (user postgres)")
        return
    rows, cpu_rows = [], []
    with scratch_database(server, "webhooks") as database_url:
        if args.synchronous_commit == "off":
            set_synchronous_commit_off(database_url)
        secret, api_id, texts = seed(database_url, PATIENTS + PROFILED)
        texts, profiled = texts[:PATIENTS], texts[PATIENTS:]
        if args.in_process_only:
            print(table(in_process(database_url, secret, api_id, profiled),
                        ("webhook", "SQL statements", "commits", "CPU ms",
                         "of which processing", "webhook and Flask")))
            return
        process, port = serve(database_url, args.workers, args.threads)
        try:
            for name, kind, bodies in (
                    ("inbound reply (MO)", "inbound", inbound_bodies(api_id, texts)),
                    ("delivery report", "status", status_bodies(api_id, texts))):
                path = f"/webhooks/clickatell/{secret}/{kind}"
                load(port, path, bodies, count=WARM_UP, seconds=30,
                     concurrency=args.concurrency)
                with CpuMeter(process.pid, make_url(database_url).database) as cpu:
                    elapsed, latencies, errors = load(
                        port, path, bodies, count=args.requests, seconds=args.seconds,
                        concurrency=args.concurrency)
                cpu_rows.append((name, *(f"{ms:.2f}" for ms in
                                         cpu.per_request_ms(len(latencies)).values()),
                                 f"{cpu.busy:.0%}"))
                rows.append((name, len(latencies), len(errors), f"{elapsed:.1f}",
                             f"{len(latencies) / elapsed:.0f}",
                             f"{percentile(latencies, 0.5):.1f}",
                             f"{percentile(latencies, 0.99):.1f}",
                             f"{max(latencies):.1f}"))
        finally:
            process.terminate()
            process.wait(30)
        profile_rows = in_process(database_url, secret, api_id, profiled)
    print(f"$ .venv/bin/python bench/webhooks.py --requests {args.requests} "
          f"--seconds {args.seconds:g} --concurrency {args.concurrency} "
          f"--workers {args.workers} --threads {args.threads}"
          + (" --synchronous-commit off" if args.synchronous_commit == "off" else ""))
    print(f"machine: {machine()}")
    workers = (f"{args.workers} sync workers" if args.threads == 1 else
               f"{args.workers} gthread workers of {args.threads} threads")
    print(f"gunicorn, {workers}, PostgreSQL; load generator on loopback, "
          f"{args.concurrency} at a time, a new connection per request; answers queued, "
          "not sent at once (ANSWERS_AT_ONCE=0)\n")
    print(table(rows, ("webhook", "requests", "non-200", "seconds", "per second", "p50 ms",
                       "p99 ms", "max ms")))
    print("\nCPU ms per request, and how busy the machine was (/proc):")
    print(table(cpu_rows, ("webhook", "app", "PG backends", "PG WAL/bg", "load generator",
                           "other", "machine busy")))
    print(f"\nIn this process, no HTTP ({PROFILED - 20} callbacks each; statements not "
          f"counting BEGIN, COMMIT and the pool's ping):")
    print(table(profile_rows, ("webhook", "SQL statements", "commits", "CPU ms",
                               "of which processing", "webhook and Flask")))
    print("\ntargets: ≥ 500 requests/s, p99 < 50 ms")


if __name__ == "__main__":
    main()
