"""the Clickatell side is "the gateway": message.provider_message_id becomes
gateway_message_id (a provider is a doctor)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 09:55:00
"""
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    # RENAME COLUMN works in place on PostgreSQL and SQLite (3.25+): no table rebuild, so the
    # message table keeps its partial indexes and constraints as they are.
    op.drop_index('ix_message_provider_message_id', table_name='message')
    op.execute('ALTER TABLE message RENAME COLUMN provider_message_id TO gateway_message_id')
    op.create_index('ix_message_gateway_message_id', 'message', ['gateway_message_id'])


def downgrade():
    op.drop_index('ix_message_gateway_message_id', table_name='message')
    op.execute('ALTER TABLE message RENAME COLUMN gateway_message_id TO provider_message_id')
    op.create_index('ix_message_provider_message_id', 'message', ['provider_message_id'])
