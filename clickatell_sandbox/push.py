"""Background work: delayed jobs, and the HTTP pushes of callbacks with Clickatell's retries.

A push is a `PushJob` row first and an HTTP request second, so an unacknowledged callback keeps
its place in the retry schedule across a restart. Any 2xx acknowledges.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from .storage import PushJob, PushLogEntry, utcnow

if TYPE_CHECKING:
    from .runtime import Sandbox

log = logging.getLogger(__name__)

REPORT_RETRY_MINUTES = (2, 4, 8, 16, 32, 64, 128, 3 * 24 * 60)
MO_RETRY_MINUTES = (2, 4, 8, 16, 25)
RETRY_MINUTES = {"status": REPORT_RETRY_MINUTES, "mo": MO_RETRY_MINUTES}
MO_USER_AGENT = "Clickatell MO Callback"


class Scheduler:
    """Runs callables after a delay on a few daemon threads."""

    def __init__(self, workers: int = 4) -> None:
        self._queue: list[tuple[float, int, Callable, tuple]] = []
        self._order = itertools.count()
        self._wakeup = threading.Condition()
        self._stopping = False
        self._threads = [
            threading.Thread(target=self._work, name=f"sandbox-push-{n}", daemon=True)
            for n in range(max(1, workers))
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def call_later(self, delay: float, fn: Callable, *args) -> None:
        with self._wakeup:
            heapq.heappush(self._queue, (time.monotonic() + delay, next(self._order), fn, args))
            self._wakeup.notify()

    def pending(self) -> int:
        with self._wakeup:
            return len(self._queue)

    def shutdown(self, timeout: float = 5.0) -> None:
        with self._wakeup:
            self._stopping = True
            self._wakeup.notify_all()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout)

    def _next(self) -> tuple[Callable, tuple] | None:
        with self._wakeup:
            while not self._stopping:
                if self._queue:
                    wait = self._queue[0][0] - time.monotonic()
                    if wait <= 0:
                        _, _, fn, args = heapq.heappop(self._queue)
                        return fn, args
                    self._wakeup.wait(wait)
                else:
                    self._wakeup.wait()
            return None

    def _work(self) -> None:
        while (job := self._next()) is not None:
            fn, args = job
            try:
                fn(*args)
            except Exception:
                log.exception("sandbox background job %s failed", getattr(fn, "__name__", fn))


def encode(params: list[tuple[str, str | bytes]]) -> str:
    """Form encoding; bytes values (MO texts in their charset) are percent-encoded as they are."""
    return urlencode(params)


def new_job(
    session: Session,
    *,
    kind: str,
    url: str,
    method: str,
    params: list[tuple[str, str | bytes]],
    username: str | None = None,
    password: str | None = None,
    user_agent: str | None = None,
) -> PushJob:
    return _new(session, PushJob(kind=kind, url=url, method=method, payload=encode(params),
                                 username=username or None, password=password,
                                 user_agent=user_agent))


def new_json_job(session: Session, *, kind: str, url: str, document: dict) -> PushJob:
    """A Platform callback: the document POSTed as JSON, on the same retry schedule."""
    return _new(session, PushJob(kind=kind, url=url, method="POST",
                                 payload=json.dumps(document, ensure_ascii=False),
                                 content_type=JSON_TYPE))


JSON_TYPE = "application/json"


def _new(session: Session, job: PushJob) -> PushJob:
    session.add(job)
    session.flush()
    return job


def attempt(sandbox: Sandbox, job_id: int) -> bool:
    """Make one delivery attempt of a job (twice under the duplicate_callback fault); on failure
    schedule the next retry or give up. Returns whether the push was acknowledged."""
    with sandbox.store.session() as session:
        job = session.get(PushJob, job_id)
        if job is None or job.state != "pending":
            return False
        job.attempts += 1
        job.next_attempt_at = None
        session.commit()
        copies = 2 if sandbox.faults.duplicate_push() else 1
        acknowledged = False
        for copy in range(copies):
            status_code, error = _send(job, sandbox.settings.push_timeout_seconds)
            session.add(
                PushLogEntry(
                    job_id=job.id,
                    kind=job.kind,
                    url=job.url,
                    method=job.method,
                    payload=job.payload,
                    attempt=job.attempts,
                    duplicate=copy > 0,
                    status_code=status_code,
                    error=error,
                )
            )
            if copy == 0:
                acknowledged = status_code is not None and 200 <= status_code < 300
        if acknowledged:
            job.state = "done"
        else:
            _plan_retry(sandbox, job)
        session.commit()
        return acknowledged


def _plan_retry(sandbox: Sandbox, job: PushJob) -> None:
    schedule = RETRY_MINUTES[job.kind]
    retries_made = job.attempts - 1
    if retries_made >= len(schedule):
        job.state = "failed"
        return
    delay = sandbox.scaled(schedule[retries_made] * 60)
    job.next_attempt_at = utcnow() + timedelta(seconds=delay)
    sandbox.scheduler.call_later(delay, attempt, sandbox, job.id)


def _send(job: PushJob, timeout: float) -> tuple[int | None, str | None]:
    headers = {}
    if job.user_agent:
        headers["User-Agent"] = job.user_agent
    auth = (job.username, job.password or "") if job.username else None
    try:
        if job.method == "GET":
            separator = "&" if "?" in job.url else "?"
            response = requests.get(
                f"{job.url}{separator}{job.payload}", headers=headers, auth=auth, timeout=timeout
            )
        else:
            headers["Content-Type"] = job.content_type or "application/x-www-form-urlencoded"
            response = requests.post(
                job.url,
                data=job.payload.encode("utf-8"),
                headers=headers,
                auth=auth,
                timeout=timeout,
            )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"
    response.close()
    return response.status_code, None


def schedule_now(sandbox: Sandbox, job_id: int) -> None:
    sandbox.scheduler.call_later(0, attempt, sandbox, job_id)


def resume(sandbox: Sandbox) -> None:
    """After a restart, put every pending push back on its schedule."""
    now = utcnow()
    with sandbox.store.session() as session:
        pending = session.scalars(select(PushJob).where(PushJob.state == "pending")).all()
        for job in pending:
            due = job.next_attempt_at or now
            sandbox.scheduler.call_later(
                max(0.0, (due - now).total_seconds()), attempt, sandbox, job.id
            )
