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
