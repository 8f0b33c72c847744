"""What a claim costs as the long numbers grow: 1, 10, 100 and 1,000 numbers with due texts.

    .venv/bin/python bench/claim_cost.py [--numbers 1,10,100,1000] [--runs 30] [--no-postgres]

For each count of numbers, seeds at least 2,000 due texts spread over them (at least three
claims' worth per number), then times claims of a batch of 20 as a sender makes them:
the paced claim with the rate limit on (`outbox.pacing`: the numbers with a free slot, their
locks, each one's first texts, the lease, the slots moved on; committed), each run a second
and more after the last so that every number has a slot free again; and, for comparison, the
claim without the rate limit (`claim_messages`). Median and 95th percentile in ms, the texts
a claim took, and the SQL statements it ran. SQLite, then a PostgreSQL database of its own.
"""

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from _common import on_each_database, percentile, table
from sqlalchemy import event, insert

BATCH = 20


def measure(numbers: int, runs: int):
    def run(database_url: str) -> dict:
        from reminder_app import create_app
        from reminder_app.extensions import db
        from reminder_app.models import Direction, Message, MessageKind, MessageStatus
        from reminder_app.outbox.dispatcher import Settings, claim_messages
        from reminder_app.outbox.pacing import claim_paced
        from tests.factories import make_patient, make_practice

        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                          "OUTBOX_RATE_PER_SECOND": 1.0, "OUTBOX_BATCH_SIZE": BATCH})
        now = datetime.now(UTC)
        per_number = max(3 * runs, 2000 // numbers)
        with app.app_context():
            db.drop_all()
            db.create_all()
            practice = make_practice().practice
            patient = make_patient(practice)
            rows = [{"practice_id": practice.id, "patient_id": patient.id,
                     "direction": Direction.OUTBOUND, "kind": MessageKind.REMINDER,
                     "sender": f"+1415{number:07d}", "recipient": patient.mobile,
                     "body": "Reminder", "status": MessageStatus.QUEUED,
                     "send_after": now - timedelta(seconds=n), "attempts": 0}
                    for number in range(numbers) for n in range(per_number)]
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(Message), rows[start:start + 5000])
            db.session.commit()
            settings = Settings.from_config(app.config)
            statements = []
            event.listen(db.engine, "before_cursor_execute",
                         lambda *args: statements.append(1))

            def timed(claim) -> tuple[float, int, int]:
                statements.clear()
                started = time.perf_counter()
                taken = claim()
                return (time.perf_counter() - started) * 1000, taken, len(statements)

            paced = []
            for n in range(runs):
                # every number has a slot free again: as if (ahead + 1) s had passed
                now_us = int((time.time() + (n + 1) * (settings.ahead.total_seconds() + 1))
                             * 1_000_000)

                def paced_claim(now_us=now_us, n=n) -> int:
                    claim = claim_paced(now, now_us, f"bench-{n}", limit=BATCH,
                                        lease=settings.lease, per_second=1.0,
                                        ahead=settings.ahead)
                    db.session.commit()  # as `dispatcher.claim_with_slots` does
                    return len(claim.claimed)
                paced.append(timed(paced_claim))
            plain = [timed(lambda n=n: len(claim_messages(
                now, f"plain-{n}", limit=BATCH, lease=settings.lease))) for n in range(runs)]
            db.drop_all()
            db.engine.dispose()
        return {"paced": paced, "plain": plain, "texts": len(rows)}
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", default="1,10,100,1000")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = []
    for numbers in (int(n) for n in args.numbers.split(",")):
        for database, found in on_each_database("claims", measure(numbers, args.runs),
                                                no_postgres=args.no_postgres):
            for name, key in (("paced (rate on)", "paced"), ("plain (rate off)", "plain")):
                times = [ms for ms, _, _ in found[key]]
                rows.append((database, numbers, found["texts"], name,
                             f"{statistics.median(times):.2f}",
                             f"{percentile(times, 0.95):.2f}",
                             f"{statistics.median(t for _, t, _ in found[key]):g}",
                             f"{statistics.median(s for _, _, s in found[key]):g}"))
    print(f"$ .venv/bin/python bench/claim_cost.py --numbers {args.numbers} --runs {args.runs}")
    print(f"claims of a batch of {BATCH}, {args.runs} runs each, 1 text/s per number\n")
    print(table(rows, ("database", "numbers", "due texts", "claim", "median ms", "p95 ms",
                       "texts taken", "statements")))


if __name__ == "__main__":
    main()
