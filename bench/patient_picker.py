"""How fast does the patient picker answer with 5,000 patients?

    .venv/bin/python bench/patient_picker.py [--patients 5000] [--runs 50] [--no-postgres]

Seeds PATIENTS patients in one practice (bulk inserts, `tests.factories.make_many_patients`)
and as many in a second practice (which the search must never read), signs the first
practice's owner in, then asks `/patients/search` RUNS times for each kind of search a
receptionist types: the first page of everyone, a common surname (every patient matches),
a first name that one patient has, a date of birth, and digits of a mobile. Requests go
through the app in this process (Flask's test client: no network, so the time is the
server's: routing, tenancy, query, JSON). On SQLite (a temporary file) and on PostgreSQL
(a database of its own on the server of TEST_DATABASE_URL or the local one, dropped after).
"""

import argparse
import statistics
import time

from _common import machine, on_each_database, percentile, table

PASSWORD = "correct-horse-1"
SEARCHES = [
    ("nothing typed", ""),
    ("common surname", "lee"),
    ("one first name", "sam3141"),
    ("date of birth", "08/08/1958"),
    ("mobile digits", "2003141"),
]


def seed(count: int) -> None:
    from devtools.demo import create_practice_with_owner
    from tests.factories import make_many_patients

    owner = create_practice_with_owner(practice_name="Bench Practice", owner_name="Owner",
                                       email="owner@example.com", password=PASSWORD)
    other = create_practice_with_owner(practice_name="Other Practice", owner_name="Other",
                                       email="other@example.com", password=PASSWORD)
    make_many_patients(owner.practice, count)
    make_many_patients(other.practice, count, area="202")


def measure(database_url: str, count: int, runs: int) -> list[tuple]:
    from reminder_app import create_app
    from reminder_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed(count)
        db.session.remove()
    client = app.test_client()
    client.post("/auth/login", data={"email": "owner@example.com", "password": PASSWORD})
    rows = []
    for label, typed in SEARCHES:
        answer = client.get("/patients/search", query_string={"q": typed})
        assert answer.status_code == 200, answer.status_code
        found = len(answer.get_json()["patients"])
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get("/patients/search", query_string={"q": typed})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        rows.append((label, repr(typed), found, f"{statistics.median(timings):.1f}",
                     f"{percentile(timings, 0.05):.1f}–{percentile(timings, 0.95):.1f}",
                     f"{statistics.stdev(timings):.1f}"))
    with app.app_context():
        db.drop_all()
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows = [(database, *row) for database, result in on_each_database(
        "picker", lambda url: measure(url, args.patients, args.runs),
        no_postgres=args.no_postgres) for row in result]
    print(f"$ .venv/bin/python bench/patient_picker.py --patients {args.patients} "
          f"--runs {args.runs}" + (" --no-postgres" if args.no_postgres else ""))
    print(f"machine: {machine()}")
    print(f"/patients/search with {args.patients} patients (and {args.patients} in another "
          f"practice), server time in-process, {args.runs} runs per search\n")
    print(table(rows, ("database", "search", "typed", "matches shown", "median ms",
                       "p5–p95 ms", "stdev ms")))


if __name__ == "__main__":
    main()
