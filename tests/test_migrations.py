"""`flask db upgrade` on an empty database gives exactly the schema of the models."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, func, inspect, select, text
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

def named_rules(connection) -> dict[str, set[str]]:
    """Each table's CHECK constraints and partial unique indexes, by name: the schema
    comparison above does not look at either."""
    inspector = inspect(connection)
    rules = {}
    for table in inspector.get_table_names():
        checks = {f'{check["name"]}: {"".join(ch for ch in check["sqltext"].lower() if ch.isalnum() or ch in "_,")}'
                  for check in inspector.get_check_constraints(table)}
        partial = {index["name"] for index in inspector.get_indexes(table)
                   if index["unique"] and any(key.endswith("_where") and value is not None
                                              for key, value in index.get(
                                                  "dialect_options", {}).items())}
        rules[table] = checks | partial
    return rules


def test_upgrade_gives_the_models_checks_and_partial_indexes(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            migrated = named_rules(connection)
        db.drop_all()
        db.create_all()
        with db.engine.connect() as connection:
            modelled = named_rules(connection)
        db.engine.dispose()
    modelled.pop("alembic_version", None), migrated.pop("alembic_version", None)
    assert migrated == modelled
    assert "ck_appointment_appointmentstatus" in migrated["appointment"]
    assert "uq_offer_open_patient_id" in migrated["offer"]


class TestUpgradingADatabaseThatHoldsTheDemo:
    """0010 on a database at 0008 that holds the living demo, plus the duplicates 0010 no
    longer allows. The demo is seeded by `flask seed-demo`'s code against the sandbox, so on
    the schema that code expects; the database is then taken down to 0008 and back."""

    @pytest.fixture
    def app_config(self, provider_config, empty_database_url):
        return {**provider_config, "SQLALCHEMY_DATABASE_URI": empty_database_url}

    @pytest.fixture
    def app(self, app_config):
        from config import TestingConfig

        settings = {key: getattr(TestingConfig, key) for key in dir(TestingConfig)
                    if key.isupper()}
        settings.update(app_config)
        app = create_app(settings)
        with app.app_context():
            upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()

    def test_the_demo_survives_and_duplicates_are_retired_newest_kept(self, app, live_app,
                                                                     sandbox):
        from reminder_app import demo
        from reminder_app.models import Reminder, ReminderStatus, WaitlistEntry

        demo.seed_demo()
        live_app.stop()  # the sandbox's later pushes find no app (it retries them later)
        db.session.commit()
        db.session.close()
        downgrade(revision="0008")
        pending = db.session.scalars(select(Reminder).where(
            Reminder.status == ReminderStatus.PENDING).order_by(Reminder.id)).first()
        twin = clone(pending, created_at=pending.created_at)  # 0008 lets it in
        entry = db.session.scalars(select(WaitlistEntry).where(
            WaitlistEntry.removed_at.is_(None)).order_by(WaitlistEntry.id)).first()
        second_entry = clone(entry, providers=list(entry.providers))
        db.session.add_all([twin, second_entry])
        db.session.commit()
        before = row_counts()
        kept, retired = (twin.id, second_entry.id), (pending.id, entry.id)
        db.session.close()  # its read locks would hold PostgreSQL's ALTER TABLE back

        upgrade()

        db.session.expire_all()
        assert row_counts() == before  # nothing lost
        assert db.session.get(Reminder, kept[0]).status is ReminderStatus.PENDING
        old = db.session.get(Reminder, retired[0])
        assert (old.status, old.reason) == (ReminderStatus.CANCELLED,
                                            "Replaced by a newer reminder of the same rule.")
        assert db.session.get(WaitlistEntry, kept[1]).is_active
        assert not db.session.get(WaitlistEntry, retired[1]).is_active
        with db.engine.connect() as connection:
            assert "uq_reminder_pending_appointment_id_rule_id" in named_rules(
                connection)["reminder"]


def clone(record, **overrides):
    """A new row with the same column values as `record` but its id."""
    table = type(record).__table__
    values = {column.key: getattr(record, column.key) for column in table.columns
              if not column.primary_key}
    return type(record)(**{**values, **overrides})


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}
