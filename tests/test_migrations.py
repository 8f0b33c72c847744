"""`flask db upgrade` on an empty database gives exactly the schema of the models."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, Table, create_engine, inspect, select, text
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

def letters(sql: str) -> str:
    """A condition without its spaces, brackets and quotes, which each database writes its
    own way."""
    return "".join(ch for ch in sql.lower() if ch.isalnum() or ch in "_,")


def named_rules(connection) -> dict[str, set[str]]:
    """Each table's CHECK constraints (by name and condition, letters only) and partial
    unique indexes (by name): the schema comparison above looks at neither."""
    inspector = inspect(connection)
    rules = {}
    for table in inspector.get_table_names():
        checks = {f'{check["name"]}: {letters(check["sqltext"])}'
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
    assert any(rule.startswith("ck_appointment_appointmentstatus: ")
               for rule in migrated["appointment"])
    [role] = [rule for rule in migrated["staff_user"] if rule.startswith("ck_staff_user_role")]
    assert "read_only" in role
    assert "uq_offer_open_patient_id" in migrated["offer"]


class TestUpgradingADatabaseThatHoldsTheDemo:
    """0010 on a database at 0008 that holds the living demo, plus the duplicates 0010 no
    longer allows. The demo is seeded by `flask seed-demo`'s code against the sandbox, so on
    the schema that code expects; the database is then taken down to 0008 and back."""

    @pytest.fixture
    def app_config(self, gateway_config, empty_database_url):
        return {**gateway_config, "SQLALCHEMY_DATABASE_URI": empty_database_url}

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
        from devtools import demo

        demo.seed_demo()
        live_app.stop()  # the sandbox's later pushes find no app (it retries them later)
        db.session.commit()
        db.session.close()
        downgrade(revision="0009")  # just before 0010; rows are handled through the tables
        # as they were then (reflected), so later changes to the models do not matter here
        with db.engine.begin() as connection:
            reminder, entry, link = (Table(name, MetaData(), autoload_with=connection)
                                     for name in ("reminder", "waitlist_entry",
                                                  "waitlist_entry_provider"))
            pending = connection.execute(select(reminder).where(
                reminder.c.status == "pending").order_by(reminder.c.id)).mappings().first()
            twin = clone(connection, reminder, pending)  # 0009 lets it in
            active = connection.execute(select(entry).where(
                entry.c.removed_at.is_(None)).order_by(entry.c.id)).mappings().first()
            second_entry = clone(connection, entry, active)
            for row in connection.execute(select(link).where(
                    link.c.entry_id == active["id"])).mappings().all():
                connection.execute(link.insert().values({**row, "entry_id": second_entry}))
            before = row_counts(connection)
        kept, retired = (twin, second_entry), (pending["id"], active["id"])

        upgrade()

        with db.engine.connect() as connection:
            after = row_counts(connection)
            assert {name: after[name] for name in before} == before  # nothing lost
            status = {row.id: (row.status, row.reason) for row in connection.execute(
                text("SELECT id, status, reason FROM reminder"))}
            removed = {row.id: row.removed_at for row in connection.execute(
                text("SELECT id, removed_at FROM waitlist_entry"))}
            assert status[kept[0]][0] == "pending"
            assert status[retired[0]] == ("cancelled",
                                          "Replaced by a newer reminder of the same rule.")
            assert removed[kept[1]] is None and removed[retired[1]] is not None
            assert "uq_reminder_pending_appointment_id_rule_id" in named_rules(
                connection)["reminder"]


def clone(connection, table, row) -> int:
    """A new row with the same column values as `row` but its id; returns the new id."""
    values = {key: value for key, value in row.items() if key != "id"}
    return connection.execute(table.insert().values(values).returning(table.c.id)).scalar()


def row_counts(connection) -> dict[str, int]:
    """Rows per table, of the tables there are at this revision."""
    return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
            for name in inspect(connection).get_table_names()}

def _row(table, **given):
    """A row for `table` with `given`, and a plain value in each other required column."""
    import datetime as dt

    import sqlalchemy as sa

    plain = {sa.String: "x", sa.Text: "x", sa.Integer: 1, sa.Boolean: False,
             sa.DateTime: dt.datetime(2026, 6, 1, 9), sa.Time: dt.time(9), sa.Numeric: 0}
    row = dict(given)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key:
            continue
        row[column.name] = next(value for kind, value in plain.items()
                                if isinstance(column.type, kind))
    return row


def test_0011_keeps_handled_at_as_read_at_inbound_and_settled_at_outbound(empty_database_url):
    import datetime as dt

    from sqlalchemy import MetaData, insert, select

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    read, settled = dt.datetime(2026, 6, 1, 10), dt.datetime(2026, 6, 1, 11)
    with app.app_context():
        upgrade(revision="0008")
        old = MetaData()
        old.reflect(db.engine, only=["practice", "message"])
        with db.engine.begin() as connection:
            connection.execute(insert(old.tables["practice"]).values(_row(
                old.tables["practice"], id=1)))
            for n, (direction, at) in enumerate((("in", read), ("out", settled)), start=1):
                connection.execute(insert(old.tables["message"]).values(_row(
                    old.tables["message"], id=n, practice_id=1, direction=direction,
                    kind="reply" if direction == "in" else "reminder",
                    status="received" if direction == "in" else "cancelled",
                    handled_at=at)))
        upgrade(revision="0011")
        new = MetaData()
        new.reflect(db.engine, only=["message"])
        message = new.tables["message"]
        with db.engine.connect() as connection:
            rows = connection.execute(select(message.c.id, message.c.read_at,
                                             message.c.settled_at).order_by(message.c.id)).all()
        db.engine.dispose()
    assert [tuple(row) for row in rows] == [(1, read, None), (2, None, settled)]
    assert "handled_at" not in message.columns

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


def test_upgrade_to_0018_moves_untouched_defaults_and_backfills_consent(empty_database_url):
    old_default = ("{practice_name}: {patient_first_name}, see you {date} at {time} with "
                   "{provider}. {reply_instructions}")
    edited = "Hi {patient_first_name}, see you {date} with {provider}."
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision="0015")
        with db.engine.begin() as connection:
            for statement in OLD_ROWS:
                connection.execute(text(statement))
            connection.execute(text(
                "INSERT INTO reminder_rule (id, practice_id, minutes_before, enabled, position,"
                " created_at) VALUES (1, 1, 2880, TRUE, 1, '2026-01-01 00:00:00'),"
                " (2, 1, 120, TRUE, 2, '2026-01-01 00:00:00')"))
            connection.execute(text(
                "INSERT INTO reminder_template (id, rule_id, language, body) VALUES"
                " (1, 1, 'en', :old), (2, 2, 'en', :edited)"), {"old": old_default,
                                                                "edited": edited})
        upgrade(revision="0018")
        with db.engine.connect() as connection:
            quiet = connection.execute(text("SELECT quiet_start FROM practice")).scalar()
            bodies = connection.execute(text(
                "SELECT body FROM reminder_template ORDER BY id")).scalars().all()
            consent = connection.execute(text(
                "SELECT patient_id, given, method, actor_kind FROM consent_record")).all()
            with pytest.raises(Exception, match="append-only"):
                connection.execute(text("UPDATE consent_record SET wording = 'other'"))
        db.engine.dispose()
    assert str(quiet).startswith("20:00")
    assert bodies == ["{practice_name}: {patient_first_name}, see you {date} at {time}. "
                      "{reply_instructions} {opt_out}", edited]
    assert [tuple(row) for row in consent] == [(1, True, "before_records", "unknown")]
