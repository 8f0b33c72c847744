"""texting rules (issue 16): the patient's time zone, reminder caps per patient, naming the
provider as a practice's choice; quiet hours 20:00-08:00 and the new default texts

Existing data:
- practices still on the old default quiet hours (21:00-08:00, which they never chose) move
  to the new default, 20:00-08:00; a practice that set its own keeps them;
- stored reminder texts still exactly the old defaults (which named the doctor, invited
  "X to cancel" and had no opt-out line) become the new defaults; a text a practice edited
  is left as written (the opt-out line is added to it as it is sent, and the editor asks
  for it at the next save). docs/decisions.md records why.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 08:40:00
"""
from datetime import time

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None

OLD_DEFAULTS = {
    'en': ('{practice_name}: {patient_first_name}, see you {date} at {time} with {provider}. '
           '{reply_instructions}'),
    'es': ('{practice_name}: {patient_first_name}, le esperamos el {date} a las {time} con '
           '{provider}. {reply_instructions}'),
}
#: As in reminder_app/sms_texts.py on the day of this migration (a migration does not import
#: the app: its texts may change later).
NEW_DEFAULTS = {
    'en': ('{practice_name}: {patient_first_name}, see you {date} at {time}. '
           '{reply_instructions} {opt_out}'),
    'es': ('{practice_name}: {patient_first_name}, cita el {date} a las {time}. '
           '{reply_instructions} {opt_out}'),
}

practice = sa.table('practice', sa.column('quiet_start', sa.Time()),
                    sa.column('quiet_end', sa.Time()))
template = sa.table('reminder_template', sa.column('language', sa.String()),
                    sa.column('body', sa.Text()))


def _move_templates(before: dict[str, str], after: dict[str, str]) -> None:
    for language, body in before.items():
        op.execute(template.update()
                   .where(template.c.language == language, template.c.body == body)
                   .values(body=after[language]))


def _move_quiet_start(before: time, after: time) -> None:
    op.execute(practice.update()
               .where(practice.c.quiet_start == before, practice.c.quiet_end == time(8, 0))
               .values(quiet_start=after))


def upgrade():
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminders_per_day', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('reminders_per_week', sa.Integer(), nullable=False,
                                      server_default='3'))
        batch_op.add_column(sa.Column('name_provider', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.alter_column('reminders_per_day', server_default=None)
        batch_op.alter_column('reminders_per_week', server_default=None)
        batch_op.alter_column('name_provider', server_default=None)
        batch_op.create_check_constraint(
            batch_op.f('ck_practice_reminder_caps_consistent'),
            'reminders_per_day >= 1 AND reminders_per_week >= reminders_per_day')
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=True))
    _move_quiet_start(time(21, 0), time(20, 0))
    _move_templates(OLD_DEFAULTS, NEW_DEFAULTS)


def downgrade():
    _move_templates(NEW_DEFAULTS, OLD_DEFAULTS)
    _move_quiet_start(time(20, 0), time(21, 0))
    with op.batch_alter_table('patient', schema=None) as batch_op:
        batch_op.drop_column('timezone')
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_practice_reminder_caps_consistent'),
                                 type_='check')
        batch_op.drop_column('name_provider')
        batch_op.drop_column('reminders_per_week')
        batch_op.drop_column('reminders_per_day')
