"""worker heartbeats: one row per `flask worker` process, beaten while it runs

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 08:15:34
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'worker_heartbeat',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('beat_at', sa.DateTime(), nullable=False),
        sa.Column('last_pass_at', sa.DateTime(), nullable=True),
        sa.Column('stopped_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_heartbeat')),
        sa.UniqueConstraint('name', name=op.f('uq_worker_heartbeat_name')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('worker_heartbeat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_heartbeat_beat_at'), ['beat_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('worker_heartbeat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_heartbeat_beat_at'))
    op.drop_table('worker_heartbeat')
