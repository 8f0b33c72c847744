"""the appointment's journey (issue 19, part): a reminder rule has a kind (before the visit,
or a notice when the appointment is booked, changed or cancelled by the practice, a
follow-up after a no-show), a no-show delay and what a before-visit rule does once the
patient confirmed; a reminder copies its rule's kind, and the once-only kinds get one row
per appointment; texts gain the kind "notice".

Existing data: every rule so far is a before-visit rule that sends as usual once the patient
confirmed, as before. No journey rule is inserted: a practice that existed before gets its
four journey rules, switched off, the first time its rules screen is opened
(`reminders.journey_defaults`); nothing new is sent to its patients until it switches one
on (docs/decisions.md, "The appointment's journey").

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 11:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

RULE_KINDS = ('before_visit', 'booked', 'changed', 'cancelled', 'no_show')
ONCE = "kind IN ('booked', 'cancelled', 'no_show')"
OLD_MESSAGE_KINDS = ("kind IN ('reminder', 'auto_reply', 'staff_reply', 'test', 'offer', "
                     "'reply', 'late_notice', 'recall')")
NEW_MESSAGE_KINDS = ("kind IN ('reminder', 'auto_reply', 'staff_reply', 'test', 'offer', "
                     "'reply', 'late_notice', 'recall', 'notice')")


def _rule_kind():
    return sa.Enum(*RULE_KINDS, name='rulekind', native_enum=False, create_constraint=True)


def upgrade():
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', _rule_kind(), server_default='before_visit',
                                      nullable=False))
        batch_op.add_column(sa.Column('delay_minutes', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column(
            'when_confirmed', sa.Enum('send', 'skip', 'short', name='whenconfirmed',
                                      native_enum=False, create_constraint=True),
            server_default='send', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_reminder_rule_delay_minutes_not_negative'),
                                         'delay_minutes >= 0')

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', _rule_kind(), server_default='before_visit',
                                      nullable=False))
        batch_op.create_index('uq_reminder_once_appointment_id_rule_id',
                              ['appointment_id', 'rule_id'], unique=True,
                              sqlite_where=sa.text(ONCE), postgresql_where=sa.text(ONCE))

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_message_messagekind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_message_messagekind'),
                                         NEW_MESSAGE_KINDS)


def downgrade():
    # A notice that went out stays in the conversation, as the nearest older kind.
    op.execute("UPDATE message SET kind = 'reminder' WHERE kind = 'notice'")
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_message_messagekind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_message_messagekind'),
                                         OLD_MESSAGE_KINDS)

    op.execute("DELETE FROM reminder WHERE kind <> 'before_visit'")
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('uq_reminder_once_appointment_id_rule_id',
                            sqlite_where=sa.text(ONCE), postgresql_where=sa.text(ONCE))
        batch_op.drop_constraint(batch_op.f('ck_reminder_rulekind'), type_='check')
        batch_op.drop_column('kind')

    op.execute("DELETE FROM reminder_template WHERE rule_id IN "
               "(SELECT id FROM reminder_rule WHERE kind <> 'before_visit')")
    op.execute("DELETE FROM reminder_rule WHERE kind <> 'before_visit'")
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_reminder_rule_delay_minutes_not_negative'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_reminder_rule_whenconfirmed'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_reminder_rule_rulekind'), type_='check')
        batch_op.drop_column('when_confirmed')
        batch_op.drop_column('delay_minutes')
        batch_op.drop_column('kind')
