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


def test_sqlite_tables_are_rebuilt_so_ids_are_never_reused(database_url, tmp_path):
    """0009 rebuilds each SQLite table with AUTOINCREMENT, keeping its rows and the rows
    that point at them."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's identity columns never reuse ids")
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as connection:
            connection.execute(text(  # the practice table as it was at 0008
                "INSERT INTO practice (id, name, country, timezone, phone, address,"
                " quiet_start, quiet_end, offer_slots, offer_notice_minutes, offer_wave_size,"
                " offer_hold_minutes, created_at) VALUES (1, 'Old Practice', 'US',"
                " 'America/New_York', '+12015550100', '', '21:00:00', '08:00:00', 1, 120, 3,"
                " 15, '2026-01-01 00:00:00')"))
            for n in (1, 2):
                connection.execute(text(
                    "INSERT INTO staff_user (id, practice_id, email, name, password_hash, role,"
                    " created_at) VALUES (:n, 1, :email, 'Someone', 'x', 'staff',"
                    " '2026-01-01 00:00:00')"), {"n": n, "email": f"s{n}@example.com"})
            connection.execute(text("DELETE FROM staff_user WHERE id = 2"))
        upgrade()
        with db.engine.begin() as connection:
            tables = connection.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all()
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
            assert connection.execute(text("SELECT email FROM staff_user")).scalars().all() \
                == ["s1@example.com"]
            ids = []
            for email in ("new@example.com", "newer@example.com"):
                ids.append(connection.execute(text(
                    "INSERT INTO staff_user (practice_id, email, name, password_hash, role,"
                    " created_at) VALUES (1, :email, 'New', 'x', 'staff',"
                    " '2026-01-01 00:00:00') RETURNING id"), {"email": email}).scalar())
                connection.execute(text("DELETE FROM staff_user WHERE id = :id"),
                                   {"id": ids[-1]})
        db.engine.dispose()
    plain = {name for name, sql in tables
             if "AUTOINCREMENT" not in sql.upper() and not name.startswith(("sqlite_", "alembic"))}
    assert plain == {"send_slot", "waitlist_entry_provider"}  # no integer id of their own
    # An id deleted before the upgrade left no trace to honour; from then on none is reused
    # (and no cookie from before the upgrade opens anything: they carried ids, not tokens).
    assert ids[1] > ids[0]
