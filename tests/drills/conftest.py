"""Drills: slow tests that prove the product under crashes, provider faults, repeated
callbacks and downtime. Marked `slow`: `make drills` runs them, `make test` does not.

They never touch the suite's shared PostgreSQL database: each session creates databases of
its own on the server `TEST_DATABASE_URL` names, and drops them afterwards. Drills that need
several processes on one database skip without it. `DRILL_ROUNDS` scales the crash drill
(kills; default 20) and `DRILL_SCALE` the counts of the others (default 1.0), for CI.
"""

import logging
import os
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import insert

from reminder_app import create_app
from reminder_app.extensions import db
from tests.scratch_databases import scratch_database

ROUNDS = int(os.environ.get("DRILL_ROUNDS", "20"))
SCALE = float(os.environ.get("DRILL_SCALE", "1.0"))
NEEDS_POSTGRES = ("needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://… (the drill "
                  "creates and drops a database of its own on that server)")


def scaled(count: int, minimum: int = 10) -> int:
    return max(minimum, int(count * SCALE))


def scratch_postgres(purpose: str):
    """A database of the drills' own (`drill_<purpose>_…`) on TEST_DATABASE_URL's server."""
    return scratch_database(os.environ["TEST_DATABASE_URL"], f"drill_{purpose}")


@pytest.fixture(scope="session", params=["sqlite"] + (
        ["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
def database_url(request, tmp_path_factory):
    """As in tests/conftest.py, but PostgreSQL is a database of the drills' own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('drill-db') / 'drill.db'}"
        yield _with_schema(url)
        return
    with scratch_postgres("suite") as url:
        yield _with_schema(url)


def _with_schema(url: str) -> str:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return url


@pytest.fixture
def postgres_url():
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip(NEEDS_POSTGRES)
    with scratch_postgres("procs") as url:
        yield _with_schema(url)


@pytest.fixture
def quiet_werkzeug():
    """The sandbox's request lines would fill the captured log with thousands of lines."""
    logger = logging.getLogger("werkzeug")
    level = logger.level
    logger.setLevel(logging.WARNING)
    yield
    logger.setLevel(level)


def no_quiet_hours(practice) -> None:
    """The drills run at any hour of the day: quiet hours would hold reminders back."""
    practice.quiet_start = practice.quiet_end = time(0, 0)
    db.session.commit()


def seed_due_reminders(practice, count: int, now: datetime, *, starts_in=timedelta(hours=1),
                       due_before=timedelta(minutes=1)) -> list[int]:
    """`count` patients with one appointment each, starting `starts_in` after `now`, whose
    reminder was due `due_before` before `now`. Returns the reminder ids."""
    return seed_reminders(practice, [(now - due_before, now + starts_in)] * count)


def seed_reminders(practice, slots: list[tuple[datetime, datetime]], *,
                   mobile_base: int = 2025550000) -> list[int]:
    """One consenting patient (own mobile), one appointment and its 2-hour-rule reminder per
    (send_at, starts_at) of `slots`. Bulk inserts; returns the reminder ids in order."""
    from reminder_app.models import Appointment, Patient, Provider, Reminder
    from reminder_app.reminders.rules import rules_for

    provider = Provider(practice_id=practice.id, name=f"Dr. Drill {mobile_base}")
    db.session.add(provider)
    rule = rules_for(practice)[1]
    db.session.commit()
    consented = min(send_at for send_at, _ in slots) - timedelta(days=1)
    patients = db.session.execute(
        insert(Patient).returning(Patient.id, sort_by_parameter_order=True), [
            {"practice_id": practice.id, "first_name": f"Pat{n}", "last_name": "Drill",
             "mobile": f"+1{mobile_base + n}", "sms_consent": True,
             "consented_at": consented} for n in range(len(slots))]).scalars().all()
    appointments = db.session.execute(
        insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True), [
            {"practice_id": practice.id, "patient_id": patient_id, "provider_id": provider.id,
             "starts_at": starts} for patient_id, (_, starts) in zip(patients, slots,
                                                                     strict=True)]
    ).scalars().all()
    reminders = db.session.execute(
        insert(Reminder).returning(Reminder.id, sort_by_parameter_order=True), [
            {"practice_id": practice.id, "appointment_id": appointment_id, "rule_id": rule.id,
             "send_at": send_at, "appointment_starts_at": starts}
            for appointment_id, (send_at, starts) in zip(appointments, slots, strict=True)]
    ).scalars().all()
    db.session.commit()
    return reminders


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
