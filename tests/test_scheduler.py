"""The worker process (`flask worker`) runs the scheduled jobs; nothing else ever does."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from reminder_app import create_app, scheduler, worker
from reminder_app.extensions import db
from reminder_app.models import WorkerHeartbeat
from reminder_app.models.types import utcnow
from tests.factories import make_practice

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_factory_never_starts_a_scheduler(database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SCHEDULER_ENABLED": True})  # the old switch does nothing now
    assert "scheduler" not in app.extensions


def test_each_job_runs_in_an_app_context_and_reports_when_it_ends(app, monkeypatch):
    calls, finished = [], []
    monkeypatch.setitem(globals(), "probe", lambda: calls.append(current_app.name))
    monkeypatch.setattr(scheduler, "JOBS", [("probe", "tests.test_scheduler:probe", "PROBE")])
    app.config["PROBE"] = 60
    built = scheduler.build(app, after=finished.append)
    assert [job.id for job in built.get_jobs()] == ["probe"]

    built.get_job("probe").func()

    assert calls == ["reminder_app"] and finished == ["probe"]


def beats() -> list[WorkerHeartbeat]:
    db.session.rollback()  # see what the worker committed since
    return list(db.session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.id)))


def start_worker(database_url: str) -> subprocess.Popen:
    env = {**os.environ, "FLASK_APP": "wsgi", "REMINDER_APP_CONFIG": "development",
           "DATABASE_URL": database_url, "DISPATCH_INTERVAL_SECONDS": "1",
           "WORKER_HEARTBEAT_SECONDS": "1", "CLICKATELL_API_URL": "http://127.0.0.1:9",
           "CLICKATELL_CONNECT_URL": "http://127.0.0.1:9/connect"}
    return subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(0.2)
    raise AssertionError("the worker did not get there in time")


def test_a_worker_beats_passes_and_stops_cleanly_on_sigterm(app, database_url):
    process = start_worker(database_url)
    try:
        row = wait_for(lambda: [b for b in beats() if b.last_pass_at is not None])[0]
        assert row.stopped_at is None and row.name.split(":")[1] == str(process.pid)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == 0, output
    assert "stopped" in output and "Traceback" not in output
    (row,) = beats()
    assert row.stopped_at is not None and row.beat_at >= row.last_pass_at


def test_two_workers_on_one_database_each_keep_their_own_heartbeat(app, database_url):
    processes = [start_worker(database_url), start_worker(database_url)]
    try:
        wait_for(lambda: len([b for b in beats() if b.last_pass_at]) == 2)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.communicate(timeout=30)
    finally:
        for process in processes:
            process.kill()
            process.communicate()
    assert [process.returncode for process in processes] == [0, 0]
    assert all(row.stopped_at for row in beats())


def heartbeat(age: timedelta) -> None:
    moment = utcnow() - age
    db.session.add(WorkerHeartbeat(name=f"host:{age}", started_at=moment, beat_at=moment))
    db.session.commit()


def test_no_worker_seen_means_stale(app):
    assert worker.status().stale and worker.status().last_seen is None
    heartbeat(timedelta(minutes=10))
    assert worker.status().stale
    heartbeat(timedelta(seconds=20))
    seen = worker.status()
    assert not seen.stale and utcnow() - seen.last_seen < timedelta(minutes=1)


def test_the_dashboard_says_plainly_when_no_worker_has_run(app, client, auth):
    make_practice("Riverside", owner_email="dana@example.com")
    auth.login("dana@example.com")
    assert "Reminders are not being sent" in client.get("/").get_data(as_text=True)
    assert "no worker has run yet" in client.get("/").get_data(as_text=True)

    heartbeat(timedelta(minutes=10))
    page = client.get("/").get_data(as_text=True)
    assert "Reminders are not being sent" in page and "no worker has run since" in page

    heartbeat(timedelta(seconds=5))
    assert 'id="worker-missing"' not in client.get("/").get_data(as_text=True)
