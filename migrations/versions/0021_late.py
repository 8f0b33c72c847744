"""the "running late" broadcast: a message kind and an event kind, late_notice

Both are enum columns stored as text with a CHECK of their values (`enum_type`); the new
value is no longer than the longest one, so only the checks change. On SQLite a CHECK can
only change by rebuilding the table (batch mode), which drops the event table's
append-only trigger: it is made again after the rebuild.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 11:30:00
"""
from alembic import op


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

MESSAGE_KINDS = "'reminder', 'auto_reply', 'staff_reply', 'test', 'offer', 'reply'"
EVENT_KINDS = ("'booked', 'moved', 'changed', 'confirmed', 'reschedule_requested', "
               "'cancelled', 'completed', 'no_show', 'reply_read'")
NEW = "'late_notice'"


def _set_checks(message_kinds: str, event_kinds: str) -> None:
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_message_messagekind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_message_messagekind'),
                                         f"kind IN ({message_kinds})")
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS event_append_only")
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_event_eventkind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_event_eventkind'),
                                         f"kind IN ({event_kinds})")
    if sqlite:
        op.execute("CREATE TRIGGER event_append_only BEFORE UPDATE ON event "
                   "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END")


def upgrade():
    _set_checks(f"{MESSAGE_KINDS}, {NEW}", f"{EVENT_KINDS}, {NEW}")


def downgrade():
    # The old checks refuse these rows: the running-late events and texts go with the
    # feature (events first: an event may point at its text).
    op.execute("DELETE FROM event WHERE kind = 'late_notice'")
    op.execute("DELETE FROM message WHERE kind = 'late_notice'")
    _set_checks(MESSAGE_KINDS, EVENT_KINDS)
