"""the callback secret can be replaced (the old one works for an overlap); automatic
answers to numbers that are no patient's are counted

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 08:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clickatell_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_callback_secret', sa.String(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('previous_secret_until', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_clickatell_account_previous_callback_secret'),
            ['previous_callback_secret'])
        batch_op.create_check_constraint(
            batch_op.f('ck_clickatell_account_previous_secret_has_an_end'),
            '(previous_callback_secret IS NULL) = (previous_secret_until IS NULL)')
    op.create_table(
        'answer_allowance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('practice_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=False),
        sa.Column('window_started_at', sa.DateTime(), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.CheckConstraint('answers >= 0',
                           name=op.f('ck_answer_allowance_answers_not_negative')),
        sa.ForeignKeyConstraint(['practice_id'], ['practice.id'],
                                name=op.f('fk_answer_allowance_practice_id_practice')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_allowance')),
        sa.UniqueConstraint('practice_id', 'number',
                            name=op.f('uq_answer_allowance_practice_id')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_practice_id_recipient', ['practice_id', 'recipient'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_practice_id_recipient')
    op.drop_table('answer_allowance')
    with op.batch_alter_table('clickatell_account', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_clickatell_account_previous_secret_has_an_end'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('uq_clickatell_account_previous_callback_secret'), type_='unique')
        batch_op.drop_column('previous_secret_until')
        batch_op.drop_column('previous_callback_secret')
