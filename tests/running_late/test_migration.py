"""0021 changes the event table's CHECK, which SQLite does by rebuilding the table: the
append-only trigger must be there again afterwards, on both databases."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from reminder_app import create_app
from reminder_app.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401 (a fixture)


def test_events_stay_append_only_and_a_downgrade_takes_the_late_rows_away(
        empty_database_url):  # noqa: F811
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO practice (id, name, country, timezone, phone, address, quiet_start,"
                " quiet_end, reminders_per_day, reminders_per_week, name_provider, offer_slots,"
                " offer_notice_minutes, offer_wave_size, offer_hold_minutes,"
                " require_two_factor, created_at) VALUES (1, 'P', 'US', 'UTC', '', '',"
                " '20:00:00', '08:00:00', 1, 3, false, true, 120, 3, 15, false,"
                " '2026-06-01 09:00:00')"))
            connection.execute(text(
                "INSERT INTO event (practice_id, kind, at, actor_kind, actor_label) VALUES"
                " (1, 'late_notice', '2026-06-01 09:00:00', 'staff', 'Sam')"))
        with pytest.raises(DatabaseError, match="append-only"), \
                db.engine.begin() as connection:
            connection.execute(text("UPDATE event SET actor_label = 'someone else'"))
        downgrade(revision="0020")
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM event")).scalar() == 0
        db.engine.dispose()
