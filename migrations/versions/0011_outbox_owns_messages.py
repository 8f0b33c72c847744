"""outbox owns messages: read_at (inbound) and settled_at (outbound) instead of handled_at,
and held_by for texts the outbox holds while the account cannot send

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

message = sa.table(
    'message',
    sa.column('direction', sa.String(3)),
    sa.column('handled_at', sa.DateTime()),
    sa.column('read_at', sa.DateTime()),
    sa.column('settled_at', sa.DateTime()),
)


def _copy(columns):
    """For each direction, copy (source, target) columns of its messages."""
    for direction, (source, target) in columns.items():
        op.execute(message.update().where(message.c.direction == direction)
                   .values({target: message.c[source]}))


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_by', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_message_blockerkind'),
                                         "held_by IN ('not_set_up', 'no_credit')")
        batch_op.add_column(sa.Column('read_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('settled_at', sa.DateTime(), nullable=True))
    # The one column meant "read by staff" for inbound texts and "settled" for outbound ones.
    _copy({'in': ('handled_at', 'read_at'), 'out': ('handled_at', 'settled_at')})
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('handled_at')


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handled_at', sa.DateTime(), nullable=True))
    _copy({'in': ('read_at', 'handled_at'), 'out': ('settled_at', 'handled_at')})
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_column('settled_at')
        batch_op.drop_column('read_at')
        batch_op.drop_constraint(batch_op.f('ck_message_blockerkind'), type_='check')
        batch_op.drop_column('held_by')
