"""recalls: patients due for a visit, texted until they book or reply (recall,
recall_notice), the practice's recall pace, and the message kind 'recall'

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 11:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

#: The message kinds before this revision.
KINDS = ('reminder', 'auto_reply', 'staff_reply', 'test', 'offer', 'reply', 'late_notice')


def upgrade():
    op.create_table('recall',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=80), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'replied', 'booked', 'closed', name='recallstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('next_text_at', sa.DateTime(), nullable=True),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('last_texted_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('booked_appointment_id', sa.Integer(), nullable=True),
    sa.Column('reply_message_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('settled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(status = 'booked') = (booked_appointment_id IS NOT NULL)", name=op.f('ck_recall_booked_iff_appointment')),
    sa.CheckConstraint('steps >= 0', name=op.f('ck_recall_steps_not_negative')),
    sa.ForeignKeyConstraint(['booked_appointment_id', 'practice_id'], ['appointment.id', 'appointment.practice_id'], name=op.f('fk_recall_booked_appointment_id_appointment')),
    sa.ForeignKeyConstraint(['patient_id', 'practice_id'], ['patient.id', 'patient.practice_id'], name=op.f('fk_recall_patient_id_patient')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_recall_practice_id_practice')),
    sa.ForeignKeyConstraint(['provider_id', 'practice_id'], ['provider.id', 'provider.practice_id'], name=op.f('fk_recall_provider_id_provider')),
    sa.ForeignKeyConstraint(['reply_message_id', 'practice_id'], ['message.id', 'message.practice_id'], name=op.f('fk_recall_reply_message_id_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recall')),
    sa.UniqueConstraint('id', 'practice_id', name=op.f('uq_recall_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recall_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_recall_practice_id_due_on', ['practice_id', 'due_on'], unique=False)
        batch_op.create_index('ix_recall_status_next_text_at', ['status', 'next_text_at'], unique=False)
        batch_op.create_index('uq_recall_live_patient_id_reason', ['patient_id', 'reason'], unique=True, sqlite_where=sa.text("status IN ('open', 'replied')"), postgresql_where=sa.text("status IN ('open', 'replied')"))

    op.create_table('recall_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('recall_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('step >= 1', name=op.f('ck_recall_notice_step_positive')),
    sa.ForeignKeyConstraint(['message_id', 'practice_id'], ['message.id', 'message.practice_id'], name=op.f('fk_recall_notice_message_id_message')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_recall_notice_practice_id_practice')),
    sa.ForeignKeyConstraint(['recall_id', 'practice_id'], ['recall.id', 'recall.practice_id'], name=op.f('fk_recall_notice_recall_id_recall')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recall_notice')),
    sa.UniqueConstraint('recall_id', 'step', name=op.f('uq_recall_notice_recall_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('recall_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recall_notice_message_id'), ['message_id'], unique=False)

    # Existing practices get the defaults, which then stay in the models only.
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recall_interval_days', sa.Integer(), nullable=False,
                                      server_default='14'))
        batch_op.add_column(sa.Column('recall_max_texts', sa.Integer(), nullable=False,
                                      server_default='3'))
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.alter_column('recall_interval_days', server_default=None)
        batch_op.alter_column('recall_max_texts', server_default=None)
        batch_op.create_check_constraint(
            batch_op.f('ck_practice_recall_pace_positive'),
            'recall_interval_days >= 1 AND recall_max_texts >= 1')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_message_messagekind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_message_messagekind'),
                                         f'kind IN {KINDS + ("recall",)}')


def downgrade():
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_practice_recall_pace_positive'), type_='check')
        batch_op.drop_column('recall_max_texts')
        batch_op.drop_column('recall_interval_days')

    with op.batch_alter_table('recall_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recall_notice_message_id'))

    op.drop_table('recall_notice')
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.drop_index('uq_recall_live_patient_id_reason', sqlite_where=sa.text("status IN ('open', 'replied')"), postgresql_where=sa.text("status IN ('open', 'replied')"))
        batch_op.drop_index('ix_recall_status_next_text_at')
        batch_op.drop_index('ix_recall_practice_id_due_on')
        batch_op.drop_index(batch_op.f('ix_recall_patient_id'))

    op.drop_table('recall')
    op.execute("DELETE FROM message WHERE kind = 'recall'")
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_message_messagekind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_message_messagekind'),
                                         f'kind IN {KINDS}')
