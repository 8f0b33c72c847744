"""What the queueing stage costs per reminder: `queue_due(now)` alone, no sending.

    .venv/bin/python bench/queueing.py [--count 2000] [--rounds 3] [--profile]
                                       [--no-postgres] [--code DIR ...]

Seeds COUNT reminders all due (one practice, one consenting patient and appointment each,
as the drills seed them), then times one `queue_due(now)`: render, the send policy, reply
codes, enqueue, commit per batch. Reminders per second, SQL statements per reminder;
ROUNDS rounds on a fresh schema each, median and spread. SQLite file, then a PostgreSQL
database of its own (unless --no-postgres or none answers).

--profile: the top 25 cumulative entries of cProfile over one more round, per database.
--code DIR (repeatable): measure the app's code in DIR (e.g. an export of main) instead of
this checkout's, each in a process of its own, the versions alternating first and second
round by round, so before and after see the same moments of a shared machine.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import machine, on_each_database, table


def measure(count: int, rounds: int, profile: bool):
    def run(database_url: str) -> dict:
        from sqlalchemy import event

        from reminder_app import create_app
        from reminder_app.extensions import db
        from reminder_app.models import Message
        from reminder_app.reminders.planning import queue_due
        from tests.drills.conftest import no_quiet_hours, seed_reminders
        from tests.factories import make_clickatell_account, make_practice

        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True})
        found = {"seconds": [], "statements": [], "profile": ""}
        with app.app_context():
            statements = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
            for n in range(rounds + profile):
                db.session.remove()  # no transaction of ours holds the tables
                db.drop_all()
                db.create_all()
                now = datetime.now(UTC).replace(microsecond=0)
                practice = make_practice().practice
                no_quiet_hours(practice)
                account = make_clickatell_account(practice)
                account.balance, account.balance_checked_at = 10 * count, now
                db.session.commit()
                seed_reminders(practice, [(now - timedelta(minutes=1),
                                           now + timedelta(hours=1))] * count)
                db.session.expire_all()  # start as a pass does: nothing loaded
                statements.clear()
                profiler = cProfile.Profile() if n == rounds else None
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                result = queue_due(now)
                if profiler:
                    profiler.disable()
                elapsed = time.perf_counter() - started
                queued = db.session.scalar(db.select(db.func.count()).select_from(Message))
                if result.queued != count or queued != count:
                    raise SystemExit(f"{result.queued} of {count} queued ({queued} texts)")
                if profiler:
                    out = io.StringIO()
                    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
                    found["profile"] = out.getvalue()
                else:
                    found["seconds"].append(elapsed)
                    found["statements"].append(len(statements))
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        return found
    return run


def summary(count: int, found: dict) -> tuple[str, str, str]:
    rates = [count / s for s in found["seconds"]]
    return (f"{statistics.median(rates):.0f}", f"{min(rates):.0f}–{max(rates):.0f}",
            f"{statistics.median(found['statements']) / count:.2f}")


def versions(args) -> list[tuple]:
    """Each round, each --code DIR in a process of its own, alternating which goes first."""
    rows = []
    results = {code: {} for code in args.code}
    for n in range(args.rounds):
        order = args.code if n % 2 == 0 else list(reversed(args.code))
        for code in order:
            command = [sys.executable, __file__, "--count", str(args.count), "--rounds", "1",
                       "--json", "--code", code] + (["--no-postgres"] if args.no_postgres
                                                    else [])
            done = subprocess.run(command, capture_output=True, text=True, check=False)
            if done.returncode:
                raise SystemExit(done.stdout[-2000:] + done.stderr[-4000:])
            for database, found in json.loads(done.stdout.splitlines()[-1]):
                into = results[code].setdefault(database, {"seconds": [], "statements": []})
                into["seconds"] += found["seconds"]
                into["statements"] += found["statements"]
            print(f"  round {n + 1}: {code} done, load average {os.getloadavg()[0]:.2f}",
                  file=sys.stderr)
    for code in args.code:
        for database, found in results[code].items():
            rows.append((database, code, *summary(args.count, found)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--code", action="append", default=[],
                        help="a directory holding the app's code to measure (repeatable)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if len(args.code) == 1 and args.json:
        sys.path.insert(0, str(Path(args.code[0]).resolve()))  # before any app import
    load = os.getloadavg()
    if len(args.code) > 1 or (args.code and not args.json):
        rows = versions(args)
    else:
        results = on_each_database("queueing", measure(args.count, args.rounds, args.profile),
                                   no_postgres=args.no_postgres)
        if args.json:
            print(json.dumps(results))
            return
        rows = [(database, "this checkout", *summary(args.count, found))
                for database, found in results]
    print(f"$ .venv/bin/python bench/queueing.py {' '.join(sys.argv[1:])}")
    print(f"machine: {machine()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"before, {os.getloadavg()[0]:.2f} after")
    print(f"{args.count} due reminders, queue_due(now) alone (no sending), "
          f"{args.rounds} rounds\n")
    print(table(rows, ("database", "code", "median reminders/s", "spread",
                       "statements per reminder")))
    if args.profile and not args.code:
        for database, found in results:
            print(f"\n--- cProfile, {database} (top 25 cumulative) ---\n{found['profile']}")


if __name__ == "__main__":
    main()
