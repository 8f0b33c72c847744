"""each long number's queue in due order: an index on message (status, sender, send_after,
id), so the paced claim reads the numbers with due texts and each one's first texts without
scanning the backlog (issue 17)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 11:40:00
"""
from alembic import op


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_message_status_sender_send_after_id', 'message',
                    ['status', 'sender', 'send_after', 'id'])


def downgrade():
    op.drop_index('ix_message_status_sender_send_after_id', table_name='message')
