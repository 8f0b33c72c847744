"""How long from a patient's reply arriving to the automatic answer leaving, with many
replies at once?

    .venv/bin/python bench/reply_latency.py [--replies 50] [--rate 0] [--no-postgres]

Serves the app (ANSWERS_AT_ONCE on, the production default; no scheduler, so no dispatcher
pass runs: every answer must leave at once or not at all) on a free loopback port with a
threaded WSGI server, and the Clickatell sandbox beside it, on a temporary SQLite file and
then on a scratch PostgreSQL database. It seeds REPLIES patients, each with an appointment
tomorrow whose reminder went out, then has the sandbox's phones all answer "C" at the same
moment (one thread per phone): the sandbox pushes each reply to the webhook as Clickatell
would. For each reply it measures, from the moment its phone sent it to the moment the
answer was recorded as sent to Clickatell (`Message.sent_at`), the median and the worst,
and checks that no phone received more than one text.

RATE is the outbox's send rate per long number (texts a second; 0 = no limit). A US long
number carries about one text a second, so with the production rate (1) the worst answer
of N replies at once leaves about N seconds after its reply: that wait is the carrier's
throughput, not the app's. Run both to see each.
"""

import argparse
import logging
import secrets
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import requests
from _common import machine, on_each_database, table

NUMBER = "12015550199"


def seed(app, sandbox_url: str, base_url: str, replies: int) -> list[str]:
    """A practice linked to the sandbox, and `replies` reminded patients; their mobiles."""
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
    )

    with app.app_context():
        db.create_all()
        now = datetime.now(UTC)
        practice = Practice(name="Bench Practice", timezone="America/New_York",
                            phone="+12015550100")
        db.session.add(practice)
        db.session.flush()
        account = ClickatellAccount(
            practice_id=practice.id, username="bench", email="b@example.com",
            mobile="+12015550142", country_id=226, long_number=f"+{NUMBER}", balance=100_000,
            email_activated_at=now, sms_activated_at=now)
        account.password = "Secret123"
        provider = Provider(practice_id=practice.id, name="Dr. Bench")
        db.session.add_all([account, provider])
        db.session.flush()
        hook = f"{base_url}/webhooks/clickatell/{account.callback_secret}"
        created = requests.post(f"{sandbox_url}/sandbox/api/accounts", timeout=10, json={
            "user": "bench", "password": "Secret123", "email": "b@example.com",
            "mobile": "12015550142", "account_id": 9, "credits": 100_000,
            "long_number": NUMBER, "callback_url": f"{hook}/status", "callback_type_id": 1,
            "mo_callback_url": f"{hook}/inbound", "mo_method": "POST"}).json()
        account.api_id = str(created["api_id"])
        mobiles = [f"+1202555{n:04d}" for n in range(replies)]
        for n, mobile in enumerate(mobiles):
            patient = Patient(practice_id=practice.id, first_name=f"Pat{n}", last_name="Bench",
                              mobile=mobile, sms_consent=True, consented_at=now)
            db.session.add(patient)
            db.session.flush()
            appointment = Appointment(practice_id=practice.id, patient_id=patient.id,
                                      provider_id=provider.id,
                                      starts_at=now + timedelta(days=1, minutes=n))
            db.session.add(appointment)
            db.session.flush()
            db.session.add(Message(
                practice_id=practice.id, patient_id=patient.id, appointment_id=appointment.id,
                direction=Direction.OUTBOUND, kind=MessageKind.REMINDER,
                sender=f"+{NUMBER}", recipient=mobile, body="Reminder. Reply C to confirm.",
                status=MessageStatus.SENT, gateway_message_id=secrets.token_hex(16),
                sent_at=now, attempts=1))
        db.session.commit()
        db.engine.dispose()
    return mobiles


def answers(app) -> list[tuple]:
    """(mobile, sent_at) of every automatic answer."""
    from sqlalchemy import select

    from reminder_app.extensions import db
    from reminder_app.models import Message, MessageKind

    with app.app_context():
        rows = db.session.execute(select(Message.recipient, Message.sent_at)
                                  .where(Message.kind == MessageKind.AUTO_REPLY)).all()
        db.session.remove()
    return rows


def measure(database_url: str, replies: int, rate: float) -> dict:
    from werkzeug.serving import make_server

    from clickatell_sandbox.testing import running_sandbox
    from reminder_app import create_app

    with running_sandbox({"SANDBOX_DELIVERY_STEP_SECONDS": 0.01,
                          "SANDBOX_TIME_SCALE": 0.0005}) as sandbox:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ANSWERS_AT_ONCE": True, "OUTBOX_RATE_PER_SECOND": rate,
            "CLICKATELL_CONNECT_URL": f"{sandbox.url}/connect",
            "CLICKATELL_API_URL": sandbox.url, "SECRET_KEY": secrets.token_hex(16)})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base_url = f"http://127.0.0.1:{server.server_port}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            mobiles = seed(app, sandbox.url, base_url, replies)
            sent_at: dict[str, datetime] = {}
            start = threading.Barrier(len(mobiles))

            def reply(mobile: str) -> None:
                start.wait()
                sent_at[mobile] = datetime.now(UTC)
                requests.post(f"{sandbox.url}/sandbox/api/inbound", timeout=30, json={
                    "from": mobile[1:], "to": NUMBER, "text": "C"}).raise_for_status()

            threads = [threading.Thread(target=reply, args=(m,)) for m in mobiles]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            deadline = time.monotonic() + 30 + (replies / rate if rate else 0)
            while time.monotonic() < deadline:
                found = answers(app)
                if len(found) >= replies and all(row.sent_at for row in found):
                    break
                time.sleep(0.1)
            found = answers(app)
            received = requests.get(f"{sandbox.url}/sandbox/api/messages", timeout=30).json()
        finally:
            server.shutdown()
    per_phone: dict[str, int] = {}
    for text in received:
        if text["to"] != NUMBER:  # the phones' replies to the practice are listed too
            per_phone[text["to"]] = per_phone.get(text["to"], 0) + 1
    waits = [(row.sent_at - sent_at[row.recipient]).total_seconds()
             for row in found if row.sent_at]
    return {"answered": sum(1 for row in found if row.sent_at),
            "exactly_once": all(count == 1 for count in per_phone.values()),
            "median": statistics.median(waits) if waits else float("nan"),
            "worst": max(waits) if waits else float("nan")}


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=50)
    parser.add_argument("--rate", type=float, default=0.0)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = on_each_database("latency", lambda url: measure(url, args.replies, args.rate),
                            no_postgres=args.no_postgres)
    print(machine())
    print(f"{args.replies} replies at once, send rate "
          f"{args.rate or 'unlimited'} per second per number\n")
    print(table([(name, f"{r['answered']}/{args.replies}", "yes" if r["exactly_once"] else "NO",
                  f"{r['median']:.2f} s", f"{r['worst']:.2f} s") for name, r in rows],
                ("database", "answered", "each once", "median", "worst")))
    if not all(r["exactly_once"] and r["answered"] == args.replies for _, r in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
