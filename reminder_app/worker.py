"""The worker: the one kind of process that runs the scheduled jobs (`flask worker`).

Web processes only answer pages, the API and webhooks; a worker sends the reminders, the
waitlist's waves and the activation checks (reminder_app/scheduler.py). Several workers on
one PostgreSQL are safe: each pass claims its rows (SKIP LOCKED, leases), so two workers
never send one text twice.

Each worker keeps a heartbeat row (`WorkerHeartbeat`), beaten every few seconds and stamped
after each dispatch pass, so the dashboard can say plainly when no worker has run for a few
minutes, and the metrics can show the last pass.

On SIGTERM (systemd's stop, Ctrl-C) a worker starts no new job, lets the running ones
finish (a dispatch pass ends by recording what it sent; anything it claimed and did not get
to is released when its lease runs out, and the next pass asks Clickatell before resending),
marks its row stopped and exits 0.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select, update

from .extensions import db
from .models import WorkerHeartbeat
from .models.types import utcnow
from .scheduler import build
from .transactions import unit_of_work

#: Stopped or silent workers' rows are forgotten after this long.
FORGET_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class WorkerStatus:
    """What staff and operators need to know: when a worker was last seen, and whether
    that is too long ago for reminders to be leaving."""

    last_seen: datetime | None
    last_pass: datetime | None
    stale: bool


def status(now: datetime | None = None) -> WorkerStatus:
    now = now or utcnow()
    last_seen = _latest(WorkerHeartbeat.beat_at)
    limit = timedelta(minutes=current_app.config["WORKER_STALE_MINUTES"])
    return WorkerStatus(last_seen, _latest(WorkerHeartbeat.last_pass_at),
                        last_seen is None or now - last_seen > limit)


def _latest(column) -> datetime | None:
    """The newest value of a heartbeat column (read through its type, so aware on SQLite)."""
    return db.session.scalar(select(column).where(column.is_not(None))
                             .order_by(column.desc()).limit(1))


class Worker:
    """One worker process: register, run the jobs until told to stop, sign off."""

    def __init__(self, app: Flask, name: str | None = None) -> None:
        self.app = app
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stopping = threading.Event()

    def stop(self, *_signal) -> None:
        self.stopping.set()

    def handle_signals(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run(self) -> None:
        self._write(self._register)
        scheduler = build(self.app, after=self._finished)
        scheduler.add_job(lambda: self._write(self._beat), "interval", id="heartbeat",
                          seconds=self.app.config["WORKER_HEARTBEAT_SECONDS"])
        for job in scheduler.get_jobs():  # the first pass at once, not one interval later
            job.modify(next_run_time=utcnow())
        scheduler.start()
        self.app.logger.info("worker %s started", self.name)
        try:
            while not self.stopping.wait(1):
                pass
        finally:
            scheduler.shutdown(wait=True)  # the running jobs finish; no new one starts
            self._write(self._sign_off)
            self.app.logger.info("worker %s stopped", self.name)

    def _write(self, change) -> None:
        with self.app.app_context(), unit_of_work():
            change(utcnow())

    def _register(self, now: datetime) -> None:
        db.session.execute(delete(WorkerHeartbeat).where(
            WorkerHeartbeat.beat_at < now - FORGET_AFTER))
        db.session.add(WorkerHeartbeat(name=self.name, started_at=now, beat_at=now))

    def _beat(self, now: datetime, **also) -> None:
        db.session.execute(update(WorkerHeartbeat).where(WorkerHeartbeat.name == self.name)
                           .values(beat_at=now, **also))

    def _finished(self, job_id: str) -> None:
        if job_id == "dispatch":
            self._write(lambda now: self._beat(now, last_pass_at=now))

    def _sign_off(self, now: datetime) -> None:
        self._beat(now, stopped_at=now)
