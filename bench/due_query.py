"""How long does the dispatcher's due query take with 1,000,000 future reminders?

    .venv/bin/python bench/due_query.py [--rows 1000000] [--postgres URL | --no-postgres]

Fills a `reminder` table (the app's own schema and indexes) with ROWS pending reminders due
in the next 30 days plus 200 that are due now, then times the query the dispatcher runs on
every pass (pending and due, oldest first, one batch), and shows the database's plan for it.
SQLite uses a temporary file; PostgreSQL a database of its own, created on the server of
TEST_DATABASE_URL (or the local one) and dropped afterwards, so the test suite's tables are
untouched (with --postgres URL: a schema of its own in that database, dropped afterwards).
Target: under 5 ms, by index.
"""

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from _common import machine, postgres_server, scratch_database, table
from sqlalchemy import create_engine, event, select, text

DUE_NOW = 200
RUNS = 50


def due_query(now: datetime):
    from reminder_app.models import Reminder, ReminderStatus
    from reminder_app.reminders.planning import QUEUE_BATCH

    return (select(Reminder.id).where(Reminder.status == ReminderStatus.PENDING,
                                      Reminder.send_at <= now)
            .order_by(Reminder.send_at).limit(QUEUE_BATCH))


#: The reminders are spread over this many appointments × rules: one pending reminder per
#: (appointment, rule) is a business invariant the database enforces.
APPOINTMENTS = 1000


def fill(engine, rows: int, now: datetime) -> None:
    """The practice's rows through the tables' own inserts (columns added later get their
    defaults), then ROWS future reminders and DUE_NOW due ones in one statement."""
    from reminder_app.extensions import db
    from reminder_app.models import Appointment, Patient, Practice, Provider, ReminderRule

    db.metadata.create_all(engine)
    total = rows + DUE_NOW
    rules = -(-total // APPOINTMENTS)
    later = now + timedelta(days=31)
    with engine.begin() as connection:
        connection.execute(Practice.__table__.insert().values(
            id=1, name="Bench", country="US", timezone="America/New_York", created_at=now))
        connection.execute(Provider.__table__.insert().values(
            id=1, practice_id=1, name="Dr. Bench", created_at=now))
        connection.execute(Patient.__table__.insert().values(
            id=1, practice_id=1, first_name="Pat", last_name="Bench", mobile="+12025550100",
            language="en", sms_consent=True, notes="", created_at=now))
        connection.execute(Appointment.__table__.insert(), [
            {"id": n, "practice_id": 1, "patient_id": 1, "provider_id": 1,
             "starts_at": later + timedelta(minutes=15 * n), "duration_minutes": 15,
             "reason": "", "status": "booked", "created_at": now, "updated_at": now}
            for n in range(1, APPOINTMENTS + 1)])
        connection.execute(ReminderRule.__table__.insert(), [
            {"id": n, "practice_id": 1, "minutes_before": 60 + n, "position": n,
             "created_at": now} for n in range(1, rules + 1)])
    seconds_ahead = 30 * 24 * 3600
    # Row n: appointment 1 + (n-1) % APPOINTMENTS, rule 1 + (n-1) / APPOINTMENTS; the first
    # DUE_NOW rows are due five minutes ago, the rest spread over the next 30 days.
    if engine.dialect.name == "postgresql":
        insert = text(
            "INSERT INTO reminder (practice_id, appointment_id, rule_id, send_at, "
            "appointment_starts_at, status, reason, created_at, updated_at) "
            "SELECT 1, 1 + (n - 1) % :appointments, 1 + (n - 1) / :appointments, "
            "CASE WHEN n <= :due_now THEN :due "
            "ELSE :now + make_interval(secs => (n::bigint * 7919) % :ahead + 60) END, "
            ":later, 'pending', '', :now, :now FROM generate_series(1, :rows) AS n")
    else:
        insert = text(
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :rows) "
            "INSERT INTO reminder (practice_id, appointment_id, rule_id, send_at, "
            "appointment_starts_at, status, reason, created_at, updated_at) "
            "SELECT 1, 1 + (n - 1) % :appointments, 1 + (n - 1) / :appointments, "
            "CASE WHEN n <= :due_now THEN :due "
            "ELSE datetime(:now, '+' || ((n * 7919) % :ahead + 60) || ' seconds') END, "
            ":later, 'pending', '', :now, :now FROM seq")
    naive_now = now.replace(tzinfo=None)
    params = {"now": naive_now, "later": later.replace(tzinfo=None), "rows": total,
              "ahead": seconds_ahead, "appointments": APPOINTMENTS, "due_now": DUE_NOW,
              "due": naive_now - timedelta(minutes=5)}
    if engine.dialect.name != "postgresql":
        for key in ("now", "later", "due"):
            params[key] = params[key].isoformat(sep=" ")
    with engine.begin() as connection:
        connection.execute(insert, params)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE" if engine.dialect.name != "postgresql"
                                else "ANALYZE reminder"))


def measure(engine, now: datetime) -> tuple[float, float, str, int]:
    from reminder_app.reminders.planning import QUEUE_BATCH

    query = due_query(now)
    # The same statement as text, for the plan (EXPLAIN cannot take an ORM select).
    explain = ("EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ") + (
        "SELECT reminder.id FROM reminder WHERE reminder.status = 'pending' AND "
        f"reminder.send_at <= :now ORDER BY reminder.send_at LIMIT {QUEUE_BATCH}")
    with engine.connect() as connection:
        found = len(connection.execute(query).all())
        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            connection.execute(query).all()
            timings.append((time.perf_counter() - started) * 1000)
        plan_rows = connection.execute(text(explain), {"now": now.replace(tzinfo=None)}).all()
    plan = " | ".join(str(row[-1]).strip() for row in plan_rows)
    return statistics.median(timings), max(timings), plan, found


def run(url: str, rows: int, *, schema: str | None = None) -> tuple:
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(url, connect_args=connect_args)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def pragmas(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    fill(engine, rows, now)
    filled = time.perf_counter() - started
    median, worst, plan, found = measure(engine, now)
    engine.dispose()
    return median, worst, plan, found, filled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a database to use a temporary schema of "
                        "(default: a temporary database on the local server)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    import reminder_app.models  # noqa: F401  (registers the tables)

    results = []
    directory = tempfile.mkdtemp(prefix="bench-due-")
    median, worst, plan, found, filled = run(f"sqlite:///{directory}/due.db", args.rows)
    results.append(("SQLite", f"{median:.2f}", f"{worst:.2f}", found, f"{filled:.0f}", plan))
    server = None if args.no_postgres or args.postgres else postgres_server()
    if server:
        with scratch_database(server, "due") as url:
            median, worst, plan, found, filled = run(url, args.rows)
        results.append(("PostgreSQL", f"{median:.2f}", f"{worst:.2f}", found,
                        f"{filled:.0f}", plan))
    elif args.postgres:
        schema = f"bench_due_{uuid.uuid4().hex[:8]}"
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            median, worst, plan, found, filled = run(args.postgres, args.rows, schema=schema)
            results.append(("PostgreSQL", f"{median:.2f}", f"{worst:.2f}", found,
                            f"{filled:.0f}", plan))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    print(f"$ .venv/bin/python bench/due_query.py --rows {args.rows}"
          + (" --no-postgres" if args.no_postgres else ""))
    print(f"machine: {machine()}")
    print(f"{args.rows:,} future pending reminders + {DUE_NOW} due; the due query "
          f"(LIMIT batch), median and worst of {RUNS} runs\n")
    print(table(results, ("database", "median ms", "worst ms", "rows", "fill s", "plan")))
    print("\ntarget: under 5 ms, by index (ix_reminder_status_send_at)")


if __name__ == "__main__":
    main()
