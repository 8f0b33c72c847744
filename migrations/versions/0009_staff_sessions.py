"""staff sessions that the server can end; ids never reused on SQLite

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:30:00

From this revision on, `env.py` rebuilds every SQLite table with an integer id that lacks
AUTOINCREMENT after each upgrade, so that the id of a deleted row (a removed staff member,
say) is never handed to a new one; a later batch migration that recreates a table (which
forgets AUTOINCREMENT) is mended the same way.
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



def downgrade():
    with op.batch_alter_table('pending_registration', schema=None) as batch_op:
        batch_op.drop_column('proof_hash')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_user_id'))
    op.drop_table('staff_session')
