"""A day of a practice group, compressed in time: P practices, each with its own long number
and 80 reminders over the day, about 30 % of them answered by the patient.

    .venv/bin/python bench/group_day.py [--scale 1] [--day-seconds S] [--rate 1]
                                        [--web-workers 2] [--dispatchers 2] [--seed 17]

At `--scale 1`: 1,000 practices, 80,000 reminders, about 24,000 replies. `--scale 0.01` is
10 practices (800 reminders, about 240 replies) in a three-minute day: a CI-sized run.

Everything runs as production runs it, on a PostgreSQL database of the benchmark's own
(created on the server of TEST_DATABASE_URL, or the local one, and dropped afterwards):
gunicorn with WEB_WORKERS sync workers (the pages and Clickatell's callbacks; the answers to
replies leave at once from there, ANSWERS_AT_ONCE's default), DISPATCHERS dispatcher
processes (`tests/drills/dispatcher_process.py`: `run_pass` again and again, the drills'
entry), and the Clickatell sandbox in a process of its own, the per-number rate limit on
(RATE texts a second). The sandbox plays the phones: a patient's reply is a text to the
practice's number, which the sandbox pushes to the practice's inbound callback.

The simulated day is 08:00–20:00 (12 hours) compressed into DAY_SECONDS of real time.
Appointments are on the quarter hours; each reminder falls due at a quarter hour of the
day, the morning's quarter hours more often (the 9:00 peak), every practice's at the same
instants. A reply comes 5 to 60 simulated minutes after its reminder reached the phone: "C"
most often, also "Yes I'll be there", X, R, HELP, STOP and free text.

Printed: reminders sent on time (within 60 s, real time, of when they were due or, when
their number was busy, of the number's next free slot at RATE texts a second: the k-th text
of a number is due at max(its own due time, the (k-1)-th's ideal time + 1/RATE), every text
of the number counted, answers too), the p50/p99/max of that lateness, replies processed
(stored and read by the app), answers sent, duplicates (a text that reached the sandbox
twice: must be 0) and lost texts (a reminder or an answer that never reached the sandbox, a
reply never stored: must be 0).
"""

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from _common import (
    ROOT,
    CpuMeter,
    SandboxProcess,
    free_port,
    machine,
    percentile,
    postgres_server,
    scratch_database,
    table,
)
from sqlalchemy import make_url

SECRET_KEY = "bench-group-day-not-a-secret"
PRACTICES = 1000
PER_PRACTICE = 80
REPLY_SHARE = 0.30
ON_TIME_SECONDS = 60
DAY_START_HOUR, DAY_HOURS = 8, 12
QUARTERS = DAY_HOURS * 4
#: What patients answer, and how often.
REPLIES = (("C", 50), ("Yes I'll be there", 10), ("X", 10), ("R", 5),
           ("Running 10 minutes late, sorry", 18), ("HELP", 4), ("STOP", 3))
DISPATCHER = ROOT / "tests" / "drills" / "dispatcher_process.py"


def quarter_weights() -> list[float]:
    """The morning's quarter hours fall due more often (the 9:00 peak of issue 17)."""
    return [3.0 if 4 <= q < 8 else 2.0 if q < 16 else 1.0 for q in range(QUARTERS)]


def plan_day(practices: int, rng: random.Random) -> list[list[int]]:
    """Per practice, the quarter hour of the day each of its reminders falls due in."""
    weights = quarter_weights()
    return [sorted(rng.choices(range(QUARTERS), weights, k=PER_PRACTICE))
            for _ in range(practices)]


def mobile(practice: int, n: int) -> str:
    return f"+1201{2000000 + practice * 100 + n:07d}"


def long_number(practice: int) -> str:
    return f"+1415600{practice:04d}"


def seed(database_url: str, sandbox: SandboxProcess, port: int, day: list[list[int]],
         start: datetime, quarter: timedelta) -> None:
    """The practices (each its sandbox account, its number, its callbacks to our port) and,
    per practice, its patients, appointments and due reminders, in bulk."""
    from reminder_app import create_app
    from reminder_app.extensions import db
    from tests.drills.conftest import no_quiet_hours, seed_reminders
    from tests.factories import make_ready_practice

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY,
                      "CLICKATELL_API_URL": sandbox.url,
                      "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"})
    with app.app_context():
        db.create_all()
        for p, quarters in enumerate(day):
            practice = make_ready_practice(sandbox.api, f"Practice {p}", credits=1000,
                                           long_number=long_number(p)).practice
            no_quiet_hours(practice)
            slots = [(start + q * quarter, start + q * quarter + timedelta(hours=2))
                     for q in quarters]
            seed_reminders(practice, slots, mobile_base=int(mobile(p, 0)[2:]))
        db.session.remove()
        db.engine.dispose()


def shift_day(database_url: str, by: timedelta) -> None:
    """Move every reminder and appointment by `by`: the day is seeded a day ahead (nothing
    due while the processes start), then moved to begin now."""
    import psycopg

    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        connection.execute("UPDATE appointment SET starts_at = starts_at + %s", (by,))
        connection.execute("UPDATE reminder SET send_at = send_at + %s, "
                           "appointment_starts_at = appointment_starts_at + %s", (by, by))


def environment(database_url: str, sandbox: SandboxProcess, port: int, rate: float) -> dict:
    return {**os.environ, "REMINDER_APP_CONFIG": "development", "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY, "CLICKATELL_API_URL": sandbox.url,
            "CLICKATELL_PLATFORM_URL": sandbox.url, "CLICKATELL_CONNECT_URL":
            f"{sandbox.url}/connect", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "OUTBOX_RATE_PER_SECOND": str(rate), "PYTHONUNBUFFERED": "1"}


def serve(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
         "--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "wsgi:app"], cwd=ROOT, env={**env, "WEB_CONCURRENCY": str(workers)},
        stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok:
                return process
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


class Patients:
    """The phones: each answers its reminder once it has reached the phone, after its delay.
    Replies are texts to the practice's number through the sandbox (which pushes them to the
    app), sent by a few threads, each at its moment."""

    def __init__(self, sandbox: SandboxProcess, database_url: str, replies: dict, delays: dict):
        self.sandbox = sandbox
        self.database_url = database_url
        self.replies = replies  # reminder id → (mobile, number, text)
        self.delays = delays  # reminder id → seconds after the reminder reached the phone
        self.sent: dict[int, str] = {}  # reminder id → the reply's moMsgId
        self.failed: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._due: list[tuple[float, int]] = []

    def run(self) -> None:
        """Until stopped: learn which reminders left (the app's database, every second),
        schedule their replies, and send those whose moment has come."""
        import psycopg

        url = make_url(self.database_url).set(drivername="postgresql")
        scheduled: set[int] = set()
        since = datetime(2000, 1, 1)
        senders = [threading.Thread(target=self._send, daemon=True) for _ in range(4)]
        for sender in senders:
            sender.start()
        with psycopg.connect(url.render_as_string(hide_password=False),
                             autocommit=True) as connection:
            while not self._stop.is_set():
                polled = datetime.now(UTC).replace(tzinfo=None)
                rows = connection.execute(
                    "SELECT r.id, m.sent_at FROM reminder r JOIN message m ON m.id = r.message_id"
                    " WHERE m.sent_at >= %s", (since,)).fetchall()
                since = polled - timedelta(seconds=30)  # a send recorded late is still seen
                with self._lock:
                    for reminder_id, sent_at in rows:
                        if reminder_id in self.replies and reminder_id not in scheduled:
                            scheduled.add(reminder_id)
                            moment = sent_at.replace(tzinfo=UTC).timestamp() \
                                + self.delays[reminder_id]
                            self._due.append((moment, reminder_id))
                    self._due.sort(reverse=True)
                self._stop.wait(1.0)
        for sender in senders:
            sender.join()

    def _send(self) -> None:
        while not (self._stop.is_set() and not self._due):
            with self._lock:
                ready = self._due and self._due[-1][0] <= time.time()
                reminder_id = self._due.pop()[1] if ready else None
            if reminder_id is None:
                time.sleep(0.05)
                continue
            mobile_, number, text = self.replies[reminder_id]
            try:
                self.sent[reminder_id] = self.sandbox.api.inbound(mobile_, number, text)
            except requests.RequestException as error:
                self.failed.append(type(error).__name__)

    def pending(self) -> int:
        with self._lock:
            return len(self._due)

    def stop(self) -> None:
        self._stop.set()


def outstanding(database_url: str) -> tuple[int, int]:
    """(reminders not yet sent or skipped, texts still in the outbox)."""
    import psycopg

    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        reminders = connection.execute(
            "SELECT count(*) FROM reminder WHERE status IN ('pending', 'queued')").fetchone()[0]
        texts = connection.execute(
            "SELECT count(*) FROM message WHERE direction = 'out' "
            "AND status IN ('queued', 'sending')").fetchone()[0]
    return reminders, texts


def unpushed(sandbox: SandboxProcess) -> int:
    """Replies the sandbox has not yet had accepted by the app (its pushes retry)."""
    accepted, jobs = set(), set()
    for entry in sandbox.api.pushes():
        if entry["kind"] == "mo":
            jobs.add(entry["job"])
            if entry["status_code"] and 200 <= entry["status_code"] < 300:
                accepted.add(entry["job"])
    return len(jobs - accepted)


def read_outcome(database_url: str) -> dict:
    import psycopg

    url = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        texts = connection.execute(
            "SELECT m.client_message_id, m.sender, m.kind, m.status, "
            "coalesce(r.send_at, m.send_after), r.id FROM message m "
            "LEFT JOIN reminder r ON r.message_id = m.id WHERE m.direction = 'out'").fetchall()
        reminders = dict(connection.execute(
            "SELECT status, count(*) FROM reminder GROUP BY status").fetchall())
        skipped = connection.execute(
            "SELECT reason, count(*) FROM reminder WHERE status = 'skipped' "
            "GROUP BY reason").fetchall()
        inbound = connection.execute(
            "SELECT gateway_message_id, read_at IS NOT NULL FROM message "
            "WHERE direction = 'in'").fetchall()
        events = connection.execute(
            "SELECT count(*) FROM event WHERE kind = 'reply_read'").fetchone()[0]
    return {"texts": texts, "reminders": reminders, "inbound": inbound, "readings": events,
            "skipped": skipped}


def lateness(texts, received: dict[str, float], rate: float) -> dict[int, float]:
    """Each reminder's lateness behind its ideal moment: its due time, or its number's next
    free slot when the number's earlier texts (answers too) fill it (see the module doc)."""
    by_number = defaultdict(list)
    for client_id, sender, _kind, _status, due, reminder_id in texts:
        if client_id in received:
            by_number[sender].append((due.replace(tzinfo=UTC).timestamp(), client_id,
                                      reminder_id))
    late = {}
    for queue in by_number.values():
        ideal = float("-inf")
        for due, client_id, reminder_id in sorted(queue):
            ideal = max(due, ideal + 1 / rate)
            if reminder_id is not None:
                late[reminder_id] = received[client_id] - ideal
    return late


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="share of the 1,000 practices (80 reminders each)")
    parser.add_argument("--day-seconds", type=float, default=None,
                        help="real seconds for the 12-hour day (default: 2,400 × scale, "
                             "at least 180)")
    parser.add_argument("--rate", type=float, default=1.0, help="texts a second per number")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--dispatchers", type=int, default=2)
    parser.add_argument("--drain-seconds", type=float, default=None,
                        help="how long after the day to wait for the last texts")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    practices = max(1, round(PRACTICES * args.scale))
    day_seconds = args.day_seconds or max(180.0, 2400 * args.scale)
    drain_seconds = args.drain_seconds or max(120.0, day_seconds / 2)
    server = postgres_server()
    if server is None:
        print("bench/group_day.py: SKIPPED, it needs PostgreSQL: set TEST_DATABASE_URL or run "
              "a server on 127.0.0.1:5432 (user postgres)")
        return
    rng = random.Random(args.seed)
    day = plan_day(practices, rng)
    quarter = timedelta(seconds=day_seconds / QUARTERS)
    words = [text for text, _ in REPLIES]
    weights = [weight for _, weight in REPLIES]
    sandbox = SandboxProcess()
    processes: list[subprocess.Popen] = []
    with scratch_database(server, "group_day") as database_url:
        try:
            port = free_port()
            seeding = time.monotonic()
            seeded_start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
            seed(database_url, sandbox, port, day, seeded_start, quarter)
            seeded_in = time.monotonic() - seeding
            replies, delays = {}, {}
            from reminder_app import create_app
            from reminder_app.extensions import db
            from reminder_app.models import Practice, Reminder

            app = create_app({"SQLALCHEMY_DATABASE_URI": database_url,
                              "SECRET_KEY": SECRET_KEY})
            with app.app_context():
                practice_ids = db.session.scalars(
                    db.select(Practice.id).order_by(Practice.id)).all()
                for p, practice_id in enumerate(practice_ids):
                    ids = db.session.scalars(db.select(Reminder.id).where(
                        Reminder.practice_id == practice_id).order_by(Reminder.id)).all()
                    for n, reminder_id in enumerate(ids):
                        if rng.random() < REPLY_SHARE:
                            replies[reminder_id] = (mobile(p, n), long_number(p),
                                                    rng.choices(words, weights)[0])
                            delays[reminder_id] = rng.uniform(5, 60) * 60 * (
                                day_seconds / (DAY_HOURS * 3600))
                db.engine.dispose()
            env = environment(database_url, sandbox, port, args.rate)
            processes.append(serve(env, port, args.web_workers))
            web = processes[0]
            for _ in range(args.dispatchers):
                processes.append(subprocess.Popen(
                    [sys.executable, str(DISPATCHER)], cwd=ROOT, env=env,
                    stdout=subprocess.DEVNULL))
            start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=3)
            shift_day(database_url, start - seeded_start)
            time.sleep(max(0.0, start.timestamp() - time.time()))
            patients = Patients(sandbox, database_url, replies, delays)
            watcher = threading.Thread(target=patients.run, daemon=True)
            database = make_url(database_url).database
            meters = {"dispatchers": [CpuMeter(process.pid, database)
                                      for process in processes[1:]],
                      "sandbox": CpuMeter(sandbox.process.pid, database)}
            for meter in (meters["sandbox"], *meters["dispatchers"]):
                meter.__enter__()
            with CpuMeter(web.pid, database) as cpu:
                watcher.start()
                time.sleep(day_seconds)
                deadline = time.monotonic() + drain_seconds
                while time.monotonic() < deadline:
                    left_reminders, left_texts = outstanding(database_url)
                    if not (left_reminders or left_texts or patients.pending()):
                        break
                    time.sleep(2)
                patients.stop()
                watcher.join(60)
                # The last replies' callbacks (the sandbox pushes them, and retries) and
                # their answers.
                settle = time.monotonic() + max(30.0, drain_seconds / 2)
                while time.monotonic() < settle and (unpushed(sandbox)
                                                     or any(outstanding(database_url))):
                    time.sleep(2)
                time.sleep(3)
                waiting_pushes = unpushed(sandbox)
            for meter in (meters["sandbox"], *meters["dispatchers"]):
                meter.__exit__(None, None, None)
            elapsed = time.time() - start.timestamp()
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
        received_list = sandbox.api.messages()
        sandbox.stop()
        outcome = read_outcome(database_url)
    cpu_seconds = {"web (gunicorn)": cpu.used["app"],
                   "dispatchers": sum(m.used["app"] for m in meters["dispatchers"]),
                   "sandbox": meters["sandbox"].used["app"],
                   "PostgreSQL": cpu.used["PostgreSQL backends"]
                   + cpu.used["PostgreSQL WAL/background"],
                   "this benchmark (the phones)": cpu.used["load generator"]}
    cpu_seconds["everything else"] = cpu.used["machine busy"] - sum(cpu_seconds.values())
    report(args, practices, day_seconds, seeded_in, elapsed, outcome, received_list, patients,
           cpu_seconds, cpu.busy, waiting_pushes)


def report(args, practices, day_seconds, seeded_in, elapsed, outcome, received_list, patients,
           cpu_seconds: dict, busy: float, waiting_pushes: int) -> None:
    copies = Counter(m["cliMsgId"] for m in received_list if m.get("cliMsgId"))
    received = {m["cliMsgId"]: datetime.fromisoformat(m["created"].replace("Z", "+00:00"))
                .timestamp() for m in received_list if m.get("cliMsgId")}
    texts = outcome["texts"]
    reminder_texts = [t for t in texts if t[5] is not None]
    answers = [t for t in texts if t[2] == "auto_reply"]
    late = lateness(texts, received, args.rate)
    values = list(late.values()) or [0.0]
    on_time = sum(1 for value in late.values() if value <= ON_TIME_SECONDS)
    stored = {gateway_id for gateway_id, _ in outcome["inbound"]}
    replies_lost = [mo for mo in patients.sent.values() if mo not in stored]
    replies_lost = replies_lost[waiting_pushes:]  # those still being pushed are not lost
    reminders_lost = [t for t in reminder_texts if t[0] not in received]
    answers_lost = [t for t in answers if t[0] not in received and t[3] != "cancelled"]
    duplicates = sum(count - 1 for count in copies.values() if count > 1)
    statuses = outcome["reminders"]
    total_reminders = sum(statuses.values())
    print(f"$ .venv/bin/python bench/group_day.py --scale {args.scale:g} --day-seconds "
          f"{day_seconds:g} --rate {args.rate:g} --web-workers {args.web_workers} "
          f"--dispatchers {args.dispatchers}")
    print(f"machine: {machine()}; load average after: {os.getloadavg()[0]:.2f}")
    print(f"{practices} practices × {PER_PRACTICE} reminders ({total_reminders}), a 12-hour day "
          f"in {day_seconds:g} s (1 real second = {DAY_HOURS * 3600 / day_seconds:.0f} "
          f"simulated); {args.web_workers} gunicorn sync workers, {args.dispatchers} "
          f"dispatcher processes, PostgreSQL; rate limit {args.rate:g} text/s per number; "
          f"seeded in {seeded_in:.0f} s; the day and its drain took {elapsed:.0f} s\n")
    rows = [
        ("reminders sent", f"{len(reminder_texts) - len(reminders_lost)} of {total_reminders}",
         " ".join(f"{status} {count}" for status, count in sorted(statuses.items()))),
        (f"on time (≤ {ON_TIME_SECONDS} s behind due or the number's next slot)",
         f"{on_time} ({on_time / max(1, len(late)):.1%})", ""),
        ("lateness s (p50 / p99 / max)",
         f"{percentile(values, 0.5):.1f} / {percentile(values, 0.99):.1f} / "
         f"{max(values):.1f}", ""),
        ("replies sent by the phones", len(patients.sent),
         f"{len(patients.failed)} not accepted by the sandbox" if patients.failed else ""),
        ("replies processed (stored and read)", len(stored & set(patients.sent.values())),
         f"{outcome['readings']} readings recorded"),
        ("replies the sandbox was still pushing at the end", waiting_pushes,
         "not accepted by the app yet: retried, not lost"),
        ("answers sent", f"{len(answers) - len(answers_lost)} of {len(answers)}",
         " ".join(f"{status} {count}" for status, count in
                  sorted(Counter(t[3] for t in answers).items()))),
        ("duplicates (texts that reached the sandbox twice)", duplicates, "must be 0"),
        ("lost (reminders, answers, replies accepted but not stored)",
         len(reminders_lost) + len(answers_lost) + len(replies_lost),
         f"{len(reminders_lost)} + {len(answers_lost)} + {len(replies_lost)}; must be 0"),
    ]
    print(table(rows, ("", "measured", "")))
    if outcome["skipped"]:
        print("\nskipped reminders: " + "; ".join(f"{count} × {reason}"
                                                  for reason, count in outcome["skipped"]))
    print("\nCPU seconds over the day and its drain: "
          + ", ".join(f"{name} {seconds:.0f}" for name, seconds in cpu_seconds.items())
          + f"; machine busy {busy:.0%}")


if __name__ == "__main__":
    main()
