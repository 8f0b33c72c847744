"""texting rules (issue 16): the patient's time zone, reminder caps per patient, naming the
provider as a practice's choice; quiet hours 20:00-08:00 and the new default texts; consent
with its evidence (an append-only consent record per patient)

Existing data:
- practices still on the old default quiet hours (21:00-08:00, which they never chose) move
  to the new default, 20:00-08:00; a practice that set its own keeps them;
- stored reminder texts still exactly the old defaults (which named the doctor, invited
  "X to cancel" and had no opt-out line) become the new defaults; a text a practice edited
  is left as written (the opt-out line is added to it as it is sent, and the editor asks
  for it at the next save). docs/decisions.md records why;
- every patient who agreed to texts, or opted out, gets one consent record saying so, dated
  as the patient row says, with the method "before_records": how it was given was never
  kept, and the history must not invent it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 08:40:00
"""
from datetime import time

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
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

practice = sa.table('practice', sa.column('id', sa.Integer()),
                    sa.column('quiet_start', sa.Time()),
                    sa.column('quiet_end', sa.Time()))
template = sa.table('reminder_template', sa.column('language', sa.String()),
                    sa.column('body', sa.Text()))
patient = sa.table('patient', sa.column('id', sa.Integer()),
                   sa.column('practice_id', sa.Integer()),
                   sa.column('sms_consent', sa.Boolean()),
                   sa.column('consented_at', sa.DateTime()),
                   sa.column('opted_out_at', sa.DateTime()),
                   sa.column('created_at', sa.DateTime()))
BEFORE_RECORDS_WORDING = '(not recorded: consent was given before the app kept its wording)'


def _move_templates(before: dict[str, str], after: dict[str, str]) -> None:
    for language, body in before.items():
        op.execute(template.update()
                   .where(template.c.language == language, template.c.body == body)
                   .values(body=after[language]))


def _move_quiet_start(before: time, after: time) -> None:
    """Compared in Python: SQLite holds a time as text, written '21:00:00' by an earlier
    migration's default and '21:00:00.000000' by the app."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(practice.c.id, practice.c.quiet_start,
                                  practice.c.quiet_end)).all()
    ids = [row.id for row in rows
           if (row.quiet_start, row.quiet_end) == (before, time(8, 0))]
    if ids:
        bind.execute(practice.update().where(practice.c.id.in_(ids))
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
    _create_consent_record()


def _create_consent_record():
    record = op.create_table(
        'consent_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('practice_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('given', sa.Boolean(), nullable=False),
        sa.Column('method', sa.Enum('staff_phone', 'signed_form', 'csv_import', 'api', 'keyword',
                                    'before_records', 'gateway', name='consentmethod',
                                    native_enum=False, create_constraint=True, length=14),
                  nullable=False),
        sa.Column('wording', sa.Text(), nullable=False),
        sa.Column('actor_kind', sa.Enum('staff', 'patient', 'api_token', 'waitlist', 'system',
                                        'unknown', name='actorkind', native_enum=False,
                                        create_constraint=True, length=9),
                  nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_label', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['patient_id', 'practice_id'], ['patient.id', 'patient.practice_id'],
                                name=op.f('fk_consent_record_patient_id_patient')),
        sa.ForeignKeyConstraint(['practice_id'], ['practice.id'],
                                name=op.f('fk_consent_record_practice_id_practice')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_record')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.create_index('ix_consent_record_patient_id_at', ['patient_id', 'at'],
                              unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE FUNCTION consent_record_is_append_only() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'consent records are "
                   "append-only'; END $$")
        op.execute("CREATE TRIGGER consent_record_append_only BEFORE UPDATE ON consent_record "
                   "FOR EACH ROW EXECUTE FUNCTION consent_record_is_append_only()")
    else:
        op.execute("CREATE TRIGGER consent_record_append_only BEFORE UPDATE ON consent_record "
                   "BEGIN SELECT RAISE(ABORT, 'consent records are append-only'); END")
    # What the patient rows already say, as records of unknown method.
    for given, moment, condition in (
            (True, patient.c.consented_at, patient.c.sms_consent.is_(True)),
            (False, patient.c.opted_out_at, patient.c.opted_out_at.is_not(None))):
        op.execute(record.insert().from_select(
            ['practice_id', 'patient_id', 'at', 'given', 'method', 'wording', 'actor_kind',
             'actor_label'],
            sa.select(patient.c.practice_id, patient.c.id,
                      sa.func.coalesce(moment, patient.c.created_at),
                      sa.literal(given), sa.literal('before_records'),
                      sa.literal(BEFORE_RECORDS_WORDING), sa.literal('unknown'),
                      sa.literal('unknown (before consent records)')).where(condition)))


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS consent_record_append_only" + (
        " ON consent_record" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS consent_record_is_append_only()")
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_record_patient_id_at')
    op.drop_table('consent_record')
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
