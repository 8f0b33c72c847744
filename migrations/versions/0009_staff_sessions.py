"""staff sessions that the server can end; ids never reused on SQLite

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:30:00

Every SQLite table with an integer id is rebuilt with AUTOINCREMENT, so that the id of a
deleted row (a removed staff member, say) is never handed to a new one. `env.py` turns
SQLite's foreign-key enforcement off around the migrations, as a table rebuild needs.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('remember', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'],
                                name=op.f('fk_staff_session_user_id_staff_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_staff_session_token_hash')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('pending_registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proof_hash', sa.String(length=64), nullable=True))

    if op.get_bind().dialect.name == 'sqlite':
        never_reuse_ids_on_sqlite()


def never_reuse_ids_on_sqlite():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    for name in inspector.get_table_names():
        if name in ('alembic_version', 'staff_session') or name.startswith('sqlite_'):
            continue
        key = inspector.get_pk_constraint(name)['constrained_columns']
        columns = {c['name']: c for c in inspector.get_columns(name)}
        if len(key) != 1 or not isinstance(columns[key[0]]['type'], sa.Integer):
            continue
        sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = :n"),
                           {'n': name}).scalar()
        if 'AUTOINCREMENT' in sql.upper():
            continue
        with op.batch_alter_table(name, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': True}):
            pass


def downgrade():
    with op.batch_alter_table('pending_registration', schema=None) as batch_op:
        batch_op.drop_column('proof_hash')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_user_id'))
    op.drop_table('staff_session')
