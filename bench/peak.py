"""The 9:00 peak of a practice group: P practices, each with its own long number and N
reminders due at once, the per-number rate limit on.

    .venv/bin/python bench/peak.py [--practices 40] [--per-practice 20] [--rate 1]
                                   [--processes 2] [--concurrency 4] [--no-postgres]
                                   [--lead 5] [--ahead 0,30]

Seeds the practices and their due reminders, then starts dispatcher processes as production
runs them (`run_pass` again and again, settings from the environment) against the Clickatell
sandbox in a process of its own: one process on a SQLite file, then `--processes` on a
PostgreSQL database of the benchmark's own. They all begin at one agreed instant (so that
starting Python is not timed), `--lead` seconds before the hour every reminder falls due at,
as a worker is running when the hour turns; each run is made once per QUEUE_AHEAD_SECONDS of
`--ahead`, side by side. The times are the sandbox's: when each text reached it, from the
hour.

Printed per database: the drain time (start to the last text), the ideal N / rate (every
number sending side by side at its rate), their ratio (ideal / drain, target ≥ 0.9), and the
spread over practices of the time their first and last texts left, and of each text's
lateness behind its ideal slot (the k-th text of a number at k / rate).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from _common import (
    ROOT,
    SandboxProcess,
    machine,
    percentile,
    postgres_server,
    scratch_database,
    table,
)

SECRET_KEY = "bench-peak-not-a-secret"
WORKER = """
import os, sys, time
sys.path.insert(0, {root!r})
from sqlalchemy import func, select
from reminder_app import create_app
from reminder_app.extensions import db
from reminder_app.models import Message, MessageStatus, Reminder, ReminderStatus
from reminder_app.reminders.passes import run_pass

def outstanding():
    db.session.expire_all()
    pending = db.session.scalar(select(func.count(Reminder.id)).where(
        Reminder.status.in_([ReminderStatus.PENDING, ReminderStatus.QUEUED])))
    unsent = db.session.scalar(select(func.count(Message.id)).where(
        Message.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING])))
    db.session.rollback()
    return pending + unsent

app = create_app()
with app.app_context():
    outstanding()  # connected and warm before the start
    time.sleep(max(0.0, float(os.environ["PEAK_START_AT"]) - time.time()))
    while outstanding():
        run_pass()
        time.sleep(0.05)
"""


def seed(database_url: str, sandbox: SandboxProcess, practices: int, per_practice: int,
         now: datetime) -> None:
    from reminder_app import create_app
    from reminder_app.extensions import db
    from tests.drills.conftest import no_quiet_hours, seed_reminders
    from tests.factories import make_ready_practice

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                      "CLICKATELL_API_URL": sandbox.url,
                      "PUBLIC_BASE_URL": "http://127.0.0.1:9", "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        db.drop_all()
        db.create_all()
        for p in range(practices):
            practice = make_ready_practice(sandbox.api, f"Practice {p}",
                                           credits=10 * per_practice,
                                           long_number=f"+1415600{p:04d}").practice
            no_quiet_hours(practice)
            seed_reminders(practice, [(now - timedelta(minutes=1), now + timedelta(hours=1))]
                           * per_practice, mobile_base=2020000000 + p * 10000)
        db.session.remove()
        db.engine.dispose()


def drain(database_url: str, sandbox: SandboxProcess, args, processes: int,
          ahead: float) -> dict:
    """Seed, start the dispatcher processes at one instant `--lead` seconds before the
    hour every reminder falls due at, wait until every text left. `ahead`: the processes'
    QUEUE_AHEAD_SECONDS."""
    from sqlalchemy import create_engine, text

    sandbox.reset()
    now = datetime.now(UTC).replace(microsecond=0)
    seed(database_url, sandbox, args.practices, args.per_practice, now)
    start_at = time.time() + 3.0 + processes
    hour = start_at + args.lead
    engine = create_engine(database_url)
    with engine.begin() as connection:  # every reminder due at the hour
        connection.execute(text("UPDATE reminder SET send_at = :hour"),
                           {"hour": datetime.fromtimestamp(hour, UTC)})
    engine.dispose()
    env = {**os.environ, "REMINDER_APP_CONFIG": "development", "DATABASE_URL": database_url,
           "SECRET_KEY": SECRET_KEY, "CLICKATELL_API_URL": sandbox.url,
           "PUBLIC_BASE_URL": "http://127.0.0.1:9",
           "OUTBOX_RATE_PER_SECOND": str(args.rate), "QUEUE_AHEAD_SECONDS": str(ahead),
           "OUTBOX_CONCURRENCY": str(args.concurrency), "PEAK_START_AT": str(start_at)}
    code = WORKER.format(root=str(ROOT))
    workers = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
               for _ in range(processes)]
    total = args.practices * args.per_practice
    try:
        for worker in workers:
            worker.wait(timeout=args.timeout)
    finally:
        for worker in workers:
            worker.kill() if worker.poll() is None else None
    received = sandbox.api.messages()
    if len(received) != total or len({m["cliMsgId"] for m in received}) != total:
        raise SystemExit(f"{len(received)} texts reached the sandbox, expected {total} once each")
    by_number = defaultdict(list)
    for message in received:
        moment = datetime.fromisoformat(message["created"].replace("Z", "+00:00")).timestamp()
        by_number[message["from"]].append(moment - hour)
    finish = [max(times) for times in by_number.values()]
    first = [min(times) for times in by_number.values()]
    late = [moment - k / args.rate for times in by_number.values()
            for k, moment in enumerate(sorted(times))]
    return {"drain": max(finish), "finish": finish, "first": first, "late": late}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", type=int, default=40)
    parser.add_argument("--per-practice", type=int, default=20)
    parser.add_argument("--rate", type=float, default=1.0, help="texts a second per number")
    parser.add_argument("--processes", type=int, default=2,
                        help="dispatcher processes on PostgreSQL (SQLite: one)")
    parser.add_argument("--concurrency", type=int, default=4, help="sender threads each")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--lead", type=float, default=5.0,
                        help="seconds the dispatchers run before the hour")
    parser.add_argument("--ahead", default="0,30",
                        help="QUEUE_AHEAD_SECONDS to compare, side by side (comma-separated)")
    args = parser.parse_args()
    aheads = [float(value) for value in args.ahead.split(",")]
    sandbox = SandboxProcess()
    rows = []
    try:
        server = None if args.no_postgres else postgres_server()
        for ahead in aheads:
            if not args.no_sqlite:
                url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-peak-')}/peak.db"
                rows.append((f"SQLite, ahead {ahead:g} s", 1, drain(url, sandbox, args, 1, ahead)))
            if server:
                with scratch_database(server, "peak") as url:
                    rows.append((f"PostgreSQL, ahead {ahead:g} s", args.processes,
                                 drain(url, sandbox, args, args.processes, ahead)))
    finally:
        sandbox.stop()
    ideal = args.per_practice / args.rate
    print(f"$ .venv/bin/python bench/peak.py --practices {args.practices} --per-practice "
          f"{args.per_practice} --rate {args.rate:g} --processes {args.processes} "
          f"--concurrency {args.concurrency} --lead {args.lead:g} --ahead {args.ahead}")
    print(f"machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}")
    print(f"{args.practices} practices × {args.per_practice} due reminders, each practice its "
          f"own long number at {args.rate:g} text/s; {args.concurrency} sender threads per "
          "process\n")
    print(table([(name, processes, f"{r['drain']:.1f}", f"{ideal:.1f}",
                  f"{ideal / r['drain']:.2f}",
                  f"{min(r['first']):.1f} / {statistics.median(r['first']):.1f} / "
                  f"{max(r['first']):.1f}",
                  f"{min(r['finish']):.1f} / {statistics.median(r['finish']):.1f} / "
                  f"{max(r['finish']):.1f}",
                  f"{percentile(r['late'], 0.5):.1f} / {percentile(r['late'], 0.99):.1f} / "
                  f"{max(r['late']):.1f}") for name, processes, r in rows],
                ("database", "processes", "drain s", "ideal s", "ratio",
                 "practice's first text s (min/median/max)",
                 "practice done s (min/median/max)", "late behind ideal slot s (p50/p99/max)")))
    print("\ntarget: ratio ≥ 0.9")


if __name__ == "__main__":
    main()
