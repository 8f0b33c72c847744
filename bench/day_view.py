"""How long does the day view take with 500 appointments, and how many queries does it make?

    .venv/bin/python bench/day_view.py [--appointments 500] [--runs 20] [--no-postgres]

Books APPOINTMENTS appointments on one day (10 providers, every one through
`appointments.service.book`, so each has its two reminders; one in five confirmed by a reply,
one in ten cancelled, one in five with a free-text reply), signs the owner in, then fetches
`/appointments/day?date=…` RUNS times in each mode (the provider columns, the default, and
the list) through the app in this process (Flask's test client: no network, so the time is
the server's: routing, queries, template) and counts the SQL statements of one request.
On SQLite (a temporary file) and on PostgreSQL (a database of its own on the server of
TEST_DATABASE_URL or the local one, dropped afterwards).
"""

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from _common import machine, on_each_database, percentile, table
from sqlalchemy import event

PASSWORD = "correct-horse-1"
MODES = ("columns", "list")


def seed(count: int):
    from devtools.demo import create_practice_with_owner
    from reminder_app.appointments import service
    from reminder_app.extensions import db
    from reminder_app.models import Actor, Patient, Provider
    from reminder_app.timezones import today

    owner = create_practice_with_owner(practice_name="Bench Practice", owner_name="Owner",
                                       email="owner@example.com", password=PASSWORD)
    practice, staff = owner.practice, Actor.staff(owner)
    providers = [Provider(practice_id=practice.id, name=f"Dr. Provider {n}") for n in range(10)]
    db.session.add_all(providers)
    db.session.commit()
    day = today(practice.zone) + timedelta(days=1)
    first = datetime(day.year, day.month, day.day, 8, tzinfo=practice.zone).astimezone(UTC)
    booked_at = datetime.now(UTC) - timedelta(days=3)
    for n in range(count):
        patient = Patient(practice_id=practice.id, first_name=f"Pat{n}", last_name="Bench",
                          mobile=f"+1202555{n:04d}", sms_consent=True, consented_at=booked_at)
        db.session.add(patient)
        appointment = service.book(
            practice, patient=patient, provider=providers[n % 10],
            starts_at=first + timedelta(minutes=10 * (n // 10) % 600), actor=staff,
            now=booked_at)
        if n % 5 == 0:
            service.confirm(appointment, actor=Actor.patient(patient), now=booked_at)
            appointment.last_reply_text, appointment.last_reply_at = "C", booked_at
        elif n % 5 == 1:
            appointment.last_reply_text = "Can I bring my daughter too?"
            appointment.last_reply_at = booked_at
        if n % 10 == 3:
            service.cancel(appointment, actor=staff, now=booked_at)
    db.session.commit()
    return day


def measure(database_url: str, count: int, runs: int) -> tuple:
    from reminder_app import create_app
    from reminder_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        day = seed(count)
        db.session.remove()
    client = app.test_client()
    client.post("/auth/login", data={"email": "owner@example.com", "password": PASSWORD})
    with app.app_context():
        engine = db.engine
    results = [_measure_mode(client, engine, f"/appointments/day?date={day.isoformat()}"
                             f"&view={mode}", runs) for mode in MODES]
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    return results


def _measure_mode(client, engine, url: str, runs: int) -> tuple:
    statements = []

    def count_statement(*_args):
        statements.append(1)

    first = client.get(url)
    assert first.status_code == 200, first.status_code
    shown = first.get_data(as_text=True).count("data-appointment=")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    event.listen(engine, "before_cursor_execute", count_statement)
    client.get(url)
    event.remove(engine, "before_cursor_execute", count_statement)
    return (shown, f"{statistics.median(timings):.0f}", f"{percentile(timings, 0.95):.0f}",
            len(statements), f"{len(first.data) / 1024:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appointments", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = [(database, mode, *result) for database, results in on_each_database(
        "day", lambda url: measure(url, args.appointments, args.runs),
        no_postgres=args.no_postgres) for mode, result in zip(MODES, results, strict=True)]
    print(f"$ .venv/bin/python bench/day_view.py --appointments {args.appointments} "
          f"--runs {args.runs}" + (" --no-postgres" if args.no_postgres else ""))
    print(f"machine: {machine()}")
    print(f"the day view of one day with {args.appointments} appointments (10 providers), "
          f"server time in-process, {args.runs} runs\n")
    print(table(rows, ("database", "mode", "appointments shown", "median ms", "p95 ms", "queries",
                       "page KiB")))


if __name__ == "__main__":
    main()
