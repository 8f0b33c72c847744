"""families (issue 19): several patients on one mobile, several visits on one phone. A reply
code per visit (reply_code), and the "which one?" question a reply may need (reply_question,
question_option). Sharing a mobile needed no change: nothing forbade it (patient.mobile was
never unique), only the reply matching did not tell the visits apart.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 11:17:50
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reply_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('code BETWEEN 1 AND 99', name=op.f('ck_reply_code_code_two_digits')),
    sa.ForeignKeyConstraint(['appointment_id', 'practice_id'], ['appointment.id', 'appointment.practice_id'], name=op.f('fk_reply_code_appointment_id_appointment')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_reply_code_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_code')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_reply_code_appointment_id')),
    sa.UniqueConstraint('practice_id', 'mobile', 'code', name=op.f('uq_reply_code_practice_id')),
    sqlite_autoincrement=True
    )
    op.create_table('reply_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('question_message_id', sa.Integer(), nullable=True),
    sa.Column('intent', sa.Enum('confirm', 'cancel_appointment', 'reschedule', 'help', 'opt_out', 'opt_in', 'free_text', name='intent', native_enum=False, create_constraint=True, length=18), nullable=False),
    sa.Column('status', sa.Enum('open', 'answered', 'expired', 'replaced', 'withdrawn', name='questionstatus', native_enum=False, create_constraint=True, length=9), nullable=False),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('answer_message_id', sa.Integer(), nullable=True),
    sa.Column('chosen_appointment_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'answered') = (chosen_appointment_id IS NOT NULL)", name=op.f('ck_reply_question_chosen_iff_answered')),
    sa.CheckConstraint("intent IN ('confirm', 'cancel_appointment', 'reschedule')", name=op.f('ck_reply_question_intent_about_a_visit')),
    sa.CheckConstraint('expires_at > asked_at', name=op.f('ck_reply_question_expires_after_asked')),
    sa.ForeignKeyConstraint(['answer_message_id'], ['message.id'], name=op.f('fk_reply_question_answer_message_id_message')),
    sa.ForeignKeyConstraint(['chosen_appointment_id', 'practice_id'], ['appointment.id', 'appointment.practice_id'], name=op.f('fk_reply_question_chosen_appointment_id_appointment')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_reply_question_message_id_message')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_reply_question_practice_id_practice')),
    sa.ForeignKeyConstraint(['question_message_id'], ['message.id'], name=op.f('fk_reply_question_question_message_id_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_question')),
    sa.UniqueConstraint('id', 'practice_id', name=op.f('uq_reply_question_id')),
    sa.UniqueConstraint('message_id', name=op.f('uq_reply_question_message_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('reply_question', schema=None) as batch_op:
        batch_op.create_index('uq_reply_question_open_mobile', ['practice_id', 'mobile'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('question_option',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('code BETWEEN 1 AND 99', name=op.f('ck_question_option_code_two_digits')),
    sa.ForeignKeyConstraint(['appointment_id', 'practice_id'], ['appointment.id', 'appointment.practice_id'], name=op.f('fk_question_option_appointment_id_appointment')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_question_option_practice_id_practice')),
    sa.ForeignKeyConstraint(['question_id', 'practice_id'], ['reply_question.id', 'reply_question.practice_id'], name=op.f('fk_question_option_question_id_reply_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_option')),
    sa.UniqueConstraint('question_id', 'code', name=op.f('uq_question_option_question_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.create_index('ix_question_option_appointment_id', ['appointment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.drop_index('ix_question_option_appointment_id')

    op.drop_table('question_option')
    with op.batch_alter_table('reply_question', schema=None) as batch_op:
        batch_op.drop_index('uq_reply_question_open_mobile', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.drop_table('reply_question')
    op.drop_table('reply_code')
