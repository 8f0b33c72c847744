"""`flask db upgrade` on an empty database gives exactly the schema of the models."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from reminder_app import create_app
from reminder_app.extensions import db


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A brand-new empty database of the same kind as the suite's."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_gives_exactly_the_models_schema(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


OLD_ROWS = [
    "INSERT INTO practice (id, name, country, timezone, phone, address, created_at, quiet_start,"
    " quiet_end, offer_slots, offer_notice_minutes, offer_wave_size, offer_hold_minutes) VALUES"
    " (1, 'Old Practice', 'US', 'America/New_York', '', '', '2026-01-01 00:00:00', '21:00:00',"
    " '08:00:00', TRUE, 120, 3, 15)",
    "INSERT INTO provider (id, practice_id, name, active, created_at) VALUES"
    " (1, 1, 'Dr. Old', TRUE, '2026-01-01 00:00:00')",
    "INSERT INTO patient (id, practice_id, first_name, last_name, mobile, language, sms_consent,"
    " notes, created_at) VALUES (1, 1, 'Ada', 'Old', '+12015550111', 'en', TRUE, '',"
    " '2026-01-01 00:00:00')",
    "INSERT INTO appointment (id, practice_id, patient_id, provider_id, starts_at,"
    " duration_minutes, reason, status, needs_callback, created_at, updated_at) VALUES"
    " (1, 1, 1, 1, '2026-02-02 14:00:00', 15, '', 'booked', FALSE, '2026-01-10 09:00:00',"
    " '2026-01-10 09:00:00'),"
    " (2, 1, 1, 1, '2026-02-03 14:00:00', 15, '', 'cancelled_by_patient', FALSE,"
    " '2026-01-11 09:00:00', '2026-01-12 10:30:00')",
]


def test_upgrade_backfills_what_is_known_and_refuses_updates_of_events(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            for statement in OLD_ROWS:
                connection.execute(text(statement))
        upgrade(revision="0012")
        with db.engine.connect() as connection:
            events = connection.execute(text(
                "SELECT appointment_id, kind, at, actor_kind, actor_label, status FROM event"
                " ORDER BY appointment_id, at")).all()
            with pytest.raises(Exception, match="append-only"):
                connection.execute(text("UPDATE event SET actor_label = 'someone'"))
        db.engine.dispose()
    unknown = ("unknown", "unknown (before the event record)")
    assert [(row[0], row[1], str(row[2]), *row[3:]) for row in events] == [
        (1, "booked", "2026-01-10 09:00:00", *unknown, "booked"),
        (2, "booked", "2026-01-11 09:00:00", *unknown, "booked"),
        (2, "cancelled", "2026-01-12 10:30:00", *unknown, "cancelled_by_patient"),
    ]
