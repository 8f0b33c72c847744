"""Two dispatcher processes on one PostgreSQL database (as two gunicorn workers or two
machines would be) send each reminder exactly once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reminder_app.extensions import db

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://… to run two "
           "dispatcher processes against one database")


def test_two_dispatcher_processes_on_postgresql_send_each_reminder_once(
        app, database_url, booking, sandbox):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite run: the PostgreSQL run of this test covers several processes")
    count = 30
    numbers = sorted(booking.appointment().patient.mobile[1:] for _ in range(count))
    db.session.commit()
    env = {**os.environ, "REMINDER_APP_CONFIG": "development", "DATABASE_URL": database_url,
           "SECRET_KEY": app.config["SECRET_KEY"], "CLICKATELL_API_URL": sandbox.url,
           "CLICKATELL_CONNECT_URL": f"{sandbox.url}/connect",
           "OUTBOX_RATE_PER_SECOND": "0", "OUTBOX_CONCURRENCY": "2", "OUTBOX_BATCH_SIZE": "2"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "reminders", "send-due",
               "--at", booking.due.isoformat()]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    sent = sandbox.messages()
    assert sorted(m["to"] for m in sent) == numbers
    assert len({m["cliMsgId"] for m in sent}) == count
