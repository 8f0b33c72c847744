"""Behind PgBouncer in transaction pooling, psycopg prepares no statement (a prepared
statement lives on one server connection, and the next transaction may get another)."""

import pytest
from sqlalchemy import text

from reminder_app import create_app
from reminder_app.extensions import db


def raw_connection_of(app):
    with app.app_context():
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            threshold = connection.connection.dbapi_connection.prepare_threshold
        db.engine.dispose()
    return threshold


def test_the_setting_turns_prepared_statements_off(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PgBouncer stands in front of PostgreSQL")
    plain = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    assert raw_connection_of(plain) == 5  # psycopg's default
    pooled = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                         "PGBOUNCER_TRANSACTION_POOLING": True})
    assert raw_connection_of(pooled) is None


def test_the_setting_leaves_sqlite_alone(tmp_path):
    app = create_app({"TESTING": True, "PGBOUNCER_TRANSACTION_POOLING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
