"""business invariants: checks, live-row uniqueness, same-practice keys (issue 14)

The database now refuses what the code never writes: values outside their enum or range,
a second live row where the business allows one, a record whose parent belongs to another
practice; and callbacks are de-duplicated per account, not across every practice
(security review, finding 9).

Existing data: duplicate live rows are resolved, deterministically, by keeping the newest
(highest id) and retiring the others the way the app would have; rows that break a check or
point into another practice cannot be mended by rule, so the upgrade stops before changing
anything and says which rule and how many rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:30:00.000000

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

#: Parents that a same-practice key points at, by their unique (id, practice_id).
PARENTS = ['patient', 'provider', 'reminder_rule', 'appointment', 'message', 'waitlist_entry',
           'freed_slot']

#: table: [(column, parent)]: the parent row must be of this row's practice.
SAME_PRACTICE = {
    'appointment': [('patient_id', 'patient'), ('provider_id', 'provider')],
    'message': [('patient_id', 'patient'), ('appointment_id', 'appointment')],
    'waitlist_entry': [('patient_id', 'patient')],
    'freed_slot': [('provider_id', 'provider'), ('appointment_id', 'appointment'),
                   ('filled_appointment_id', 'appointment')],
    'offer': [('slot_id', 'freed_slot'), ('patient_id', 'patient'),
              ('entry_id', 'waitlist_entry'), ('message_id', 'message')],
    'reminder': [('appointment_id', 'appointment'), ('rule_id', 'reminder_rule'),
                 ('message_id', 'message')],
}

LANGUAGES = "('en', 'es')"

#: table: [(name without the ck_<table>_ prefix, condition)], as in the models.
CHECKS = {
    'practice': [
        ('offer_notice_not_negative', 'offer_notice_minutes >= 0'),
        ('offer_wave_size_positive', 'offer_wave_size >= 1'),
        ('offer_hold_positive', 'offer_hold_minutes >= 1'),
    ],
    'staff_user': [('role', "role IN ('owner', 'staff')")],
    'patient': [
        ('language', f'language IN {LANGUAGES}'),
        ('consent_or_opted_out', 'NOT (sms_consent AND opted_out_at IS NOT NULL)'),
    ],
    'practice_keyword': [
        ('intent', "intent IN ('confirm', 'cancel_appointment', 'reschedule', 'help', "
                   "'opt_out', 'opt_in', 'free_text')"),
    ],
    'reminder_rule': [('minutes_before_positive', 'minutes_before > 0')],
    'reminder_template': [('language', f'language IN {LANGUAGES}')],
    'appointment': [
        ('appointmentstatus', "status IN ('booked', 'confirmed', 'cancelled_by_patient', "
                              "'cancelled_by_staff', 'reschedule_requested', 'completed', "
                              "'no_show')"),
        ('duration_positive', 'duration_minutes > 0'),
    ],
    'message': [
        ('direction', "direction IN ('in', 'out')"),
        ('messagekind', "kind IN ('reminder', 'auto_reply', 'staff_reply', 'test', 'offer', "
                        "'reply')"),
        ('messagestatus', "status IN ('queued', 'sending', 'sent', 'delivered', 'failed', "
                          "'cancelled', 'received')"),
        ('received_iff_inbound', "(direction = 'in') = (status = 'received')"),
        ('reply_iff_inbound', "(direction = 'in') = (kind = 'reply')"),
        ('parts_positive', 'parts >= 1'),
        ('attempts_not_negative', 'attempts >= 0'),
    ],
    'callback_record': [('callbackkind', "kind IN ('inbound', 'status')")],
    'reminder': [
        ('reminderstatus', "status IN ('pending', 'queued', 'sent', 'delivered', 'failed', "
                           "'skipped', 'cancelled')"),
    ],
    'waitlist_entry': [
        ('priority_known', 'priority BETWEEN 1 AND 3'),
        ('weekdays_some_day', 'weekdays BETWEEN 1 AND 127'),
        ('latest_after_earliest', 'earliest_time < latest_time'),
        ('notice_not_negative', 'notice_minutes >= 0'),
    ],
    'freed_slot': [
        ('slotstatus', "status IN ('offering', 'filled', 'unfilled', 'stopped', "
                       "'not_offered')"),
        ('duration_positive', 'duration_minutes > 0'),
        ('waves_not_negative', 'waves >= 0'),
        ('closed_unless_offering', "(status = 'offering') = (closed_at IS NULL)"),
    ],
    'offer': [
        ('offerstatus', "status IN ('open', 'accepted', 'declined', 'taken', 'expired', "
                        "'withdrawn', 'closed')"),
        ('wave_positive', 'wave >= 1'),
        ('expires_after_offered', 'expires_at > offered_at'),
    ],
}

#: (index, table, columns, the live rows): at most one live row per columns.
LIVE = [
    ('uq_reminder_pending_appointment_id_rule_id', 'reminder', ['appointment_id', 'rule_id'],
     "status = 'pending'"),
    ('uq_waitlist_entry_active_patient_id', 'waitlist_entry', ['patient_id'],
     'removed_at IS NULL'),
    ('uq_offer_open_patient_id', 'offer', ['patient_id'], "status = 'open'"),
]

#: How the older duplicates of a live row are retired, as the app retires such rows.
RETIRE = {
    'reminder': ("status = 'cancelled', reason = 'Replaced by a newer reminder of the same "
                 "rule.', updated_at = :now"),
    'waitlist_entry': ("removed_at = :now, removed_reason = 'Replaced by a newer entry of the "
                       "same patient.', updated_at = :now"),
    'offer': "status = 'expired'",
}


def retire_duplicates(now: datetime) -> None:
    """Keep the newest live row of each group; retire the others (see RETIRE)."""
    for _, table, columns, live in LIVE:
        group = ', '.join(columns)
        op.get_bind().execute(sa.text(
            f'UPDATE {table} SET {RETIRE[table]} WHERE {live} AND id NOT IN '
            f'(SELECT max(id) FROM {table} WHERE {live} GROUP BY {group})'), {'now': now})


def refuse_what_cannot_be_mended() -> None:
    """Stop, before any change, if rows break a check or point into another practice."""
    bind = op.get_bind()
    problems = []
    for table, checks in CHECKS.items():
        for name, condition in checks:
            count = bind.scalar(sa.text(f'SELECT count(*) FROM {table} WHERE NOT ({condition})'))
            if count:
                problems.append(f'{count} {table} row(s) break ck_{table}_{name}: {condition}')
    for table, keys in SAME_PRACTICE.items():
        for column, parent in keys:
            count = bind.scalar(sa.text(
                f'SELECT count(*) FROM {table} JOIN {parent} ON {parent}.id = {table}.{column} '
                f'WHERE {parent}.practice_id <> {table}.practice_id'))
            if count:
                problems.append(f'{count} {table} row(s) have a {column} of another practice')
    if problems:
        raise RuntimeError('Migration 0010 cannot apply the business rules to this data; '
                           'correct these rows first:\n  ' + '\n  '.join(problems))


def upgrade():
    retire_duplicates(datetime.now(UTC).replace(tzinfo=None))
    refuse_what_cannot_be_mended()

    tables = list(dict.fromkeys(PARENTS + list(SAME_PRACTICE) + list(CHECKS)))
    for table in tables:
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in PARENTS:
                batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_id'),
                                                  ['id', 'practice_id'])
            for column, parent in SAME_PRACTICE.get(table, []):
                name = batch_op.f(f'fk_{table}_{column}_{parent}')
                batch_op.drop_constraint(name, type_='foreignkey')
                batch_op.create_foreign_key(name, parent, [column, 'practice_id'],
                                            ['id', 'practice_id'])
            for name, condition in CHECKS.get(table, []):
                batch_op.create_check_constraint(batch_op.f(f'ck_{table}_{name}'), condition)

    with op.batch_alter_table('callback_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_record_account_id'))
        batch_op.drop_constraint(batch_op.f('uq_callback_record_dedupe_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_callback_record_account_id'),
                                          ['account_id', 'dedupe_key'])

    for name, table, columns, live in LIVE:
        op.create_index(name, table, columns, unique=True, sqlite_where=sa.text(live),
                        postgresql_where=sa.text(live))


def downgrade():
    for name, table, _, _ in reversed(LIVE):
        op.drop_index(name, table_name=table)

    # Fails if two accounts now hold a callback with the same key: that is what 0010 allows.
    with op.batch_alter_table('callback_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_callback_record_account_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_callback_record_dedupe_key'),
                                          ['dedupe_key'])
        batch_op.create_index(batch_op.f('ix_callback_record_account_id'), ['account_id'],
                              unique=False)

    tables = list(dict.fromkeys(PARENTS + list(SAME_PRACTICE) + list(CHECKS)))
    for table in reversed(tables):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in CHECKS.get(table, []):
                batch_op.drop_constraint(batch_op.f(f'ck_{table}_{name}'), type_='check')
            for column, parent in SAME_PRACTICE.get(table, []):
                name = batch_op.f(f'fk_{table}_{column}_{parent}')
                batch_op.drop_constraint(name, type_='foreignkey')
                batch_op.create_foreign_key(name, parent, [column], ['id'])
            if table in PARENTS:
                batch_op.drop_constraint(batch_op.f(f'uq_{table}_id'), type_='unique')
