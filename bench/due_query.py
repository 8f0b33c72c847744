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


def fill(engine, rows: int, now: datetime) -> None:
    from reminder_app.extensions import db
    from reminder_app.models import Practice

    db.metadata.create_all(engine)
    naive_now = now.replace(tzinfo=None)
    with engine.begin() as connection:
        # Through the table, so columns added to the practice later get their defaults.
        connection.execute(Practice.__table__.insert().values(
            id=1, name="Bench", country="US", timezone="America/New_York", created_at=now))
        connection.execute(text(
            "INSERT INTO provider (id, practice_id, name, active, created_at) "
            "VALUES (1, 1, 'Dr. Bench', true, :now)"), {"now": naive_now})
        connection.execute(text(
            "INSERT INTO patient (id, practice_id, first_name, last_name, mobile, language, "
            "sms_consent, notes, created_at) VALUES (1, 1, 'Pat', 'Bench', '+12025550100', "
            "'en', true, '', :now)"), {"now": naive_now})
        connection.execute(text(
            "INSERT INTO appointment (id, practice_id, patient_id, provider_id, starts_at, "
            "duration_minutes, reason, status, needs_callback, created_at, updated_at) VALUES "
            "(1, 1, 1, 1, :later, 15, '', 'booked', false, :now, :now)"),
            {"now": naive_now, "later": naive_now + timedelta(days=31)})
        connection.execute(text(
            "INSERT INTO reminder_rule (id, practice_id, minutes_before, enabled, position, "
            "created_at) VALUES (1, 1, 120, true, 1, :now)"), {"now": naive_now})
    seconds_ahead = 30 * 24 * 3600
    if engine.dialect.name == "postgresql":
        insert = text(
            "INSERT INTO reminder (practice_id, appointment_id, rule_id, send_at, "
            "appointment_starts_at, status, reason, created_at, updated_at) "
            "SELECT 1, 1, 1, :now + make_interval(secs => (n::bigint * 7919) % :ahead + 60), "
            ":later, 'pending', '', :now, :now FROM generate_series(1, :rows) AS n")
    else:
        insert = text(
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :rows) "
            "INSERT INTO reminder (practice_id, appointment_id, rule_id, send_at, "
            "appointment_starts_at, status, reason, created_at, updated_at) "
            "SELECT 1, 1, 1, datetime(:now, '+' || ((n * 7919) % :ahead + 60) || ' seconds'), "
            ":later, 'pending', '', :now, :now FROM seq")
    params = {"now": naive_now, "later": naive_now + timedelta(days=31), "rows": rows,
              "ahead": seconds_ahead}
    if engine.dialect.name != "postgresql":
        params["now"] = naive_now.isoformat(sep=" ")
    with engine.begin() as connection:
        connection.execute(insert, params)
        connection.execute(text(
            "INSERT INTO reminder (practice_id, appointment_id, rule_id, send_at, "
            "appointment_starts_at, status, reason, created_at, updated_at) "
            "SELECT practice_id, appointment_id, rule_id, :due, appointment_starts_at, status, "
            "reason, created_at, updated_at FROM reminder LIMIT :count"),
            {"due": naive_now - timedelta(minutes=5), "count": DUE_NOW})
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
