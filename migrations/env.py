import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def render_item(type_, obj, autogen_context):
    """Write the app's own column types as the plain SQLAlchemy types they store, so a
    migration never imports application code."""
    if type_ == "type" and hasattr(obj, "impl") and obj.__module__.startswith("reminder_app"):
        return f"sa.{obj.impl.__class__.__name__}()"
    return False


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def never_reuse_ids_on_sqlite(connection):
    """Rebuild each SQLite table that has an integer id but not AUTOINCREMENT (tables from
    before revision 0009, or recreated by a batch migration, which drops the keyword), so
    that SQLite never hands a deleted row's id to a new row."""
    import sqlalchemy as sa
    from alembic.operations import Operations

    operations = Operations(context.get_context())
    inspector = sa.inspect(connection)
    for name in inspector.get_table_names():
        if name == 'alembic_version' or name.startswith('sqlite_'):
            continue
        key = inspector.get_pk_constraint(name)['constrained_columns']
        columns = {c['name']: c for c in inspector.get_columns(name)}
        if len(key) != 1 or not isinstance(columns[key[0]]['type'], sa.Integer):
            continue
        sql = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = ?", (name,)).scalar()
        if 'AUTOINCREMENT' in sql.upper():
            continue
        triggers = connection.exec_driver_sql(  # a rebuild drops them: made again after
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (name,)).scalars().all()
        with operations.batch_alter_table(name, recreate='always',
                                          table_kwargs={'sqlite_autoincrement': True}):
            pass
        for trigger in triggers:
            connection.exec_driver_sql(trigger)


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    conf_args.setdefault("render_item", render_item)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == 'sqlite'
        if sqlite:
            # A table rebuild (batch mode) drops the old table, which SQLite refuses, or
            # cascades, while other tables point at it; the pragma only works outside a
            # transaction, so it is set before the migrations begin and checked after.
            connection.exec_driver_sql('PRAGMA foreign_keys=OFF')
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                never_reuse_ids_on_sqlite(connection)

        if sqlite:
            broken = connection.exec_driver_sql('PRAGMA foreign_key_check').fetchall()
            connection.commit()
            connection.exec_driver_sql('PRAGMA foreign_keys=ON')
            connection.commit()
            if broken:
                raise RuntimeError(f'foreign keys broken by the migration: {broken[:5]}')


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
