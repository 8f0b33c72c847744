"""Platform accounts: the generation of each Clickatell account, its API key, the first
status callback and Clickatell's hold (issue 15)

Existing accounts are Central. A Platform account has an API key instead of the Connect
log-in, so the Central-only columns become nullable and a check says which generation needs
what.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 08:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

CREDENTIALS = (
    "(generation = 'central' AND username IS NOT NULL AND password_encrypted IS NOT NULL"
    " AND email IS NOT NULL AND country_id IS NOT NULL AND api_key_encrypted IS NULL)"
    " OR (generation = 'platform' AND api_key_encrypted IS NOT NULL"
    " AND username IS NULL AND password_encrypted IS NULL)")


def upgrade():
    with op.batch_alter_table('clickatell_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.String(length=8),
                                      server_default='central', nullable=False))
        batch_op.add_column(sa.Column('api_key_encrypted', sa.String(length=512),
                                      nullable=True))
        batch_op.add_column(sa.Column('status_callback_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('held_reason', sa.String(length=300), nullable=True))
        batch_op.alter_column('username', existing_type=sa.String(length=128), nullable=True)
        batch_op.alter_column('password_encrypted', existing_type=sa.String(length=512),
                              nullable=True)
        batch_op.alter_column('email', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('country_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            batch_op.f('ck_clickatell_account_generation'),
            "generation IN ('central', 'platform')")
        batch_op.create_check_constraint(
            batch_op.f('ck_clickatell_account_credentials_of_generation'), CREDENTIALS)


def downgrade():
    # The older schema cannot hold a Platform account: it goes, with the raw callbacks it
    # received (their account is their only link).
    op.execute("DELETE FROM callback_record WHERE account_id IN "
               "(SELECT id FROM clickatell_account WHERE generation = 'platform')")
    op.execute("DELETE FROM clickatell_account WHERE generation = 'platform'")
    with op.batch_alter_table('clickatell_account', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('ck_clickatell_account_credentials_of_generation'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_clickatell_account_generation'), type_='check')
        batch_op.alter_column('country_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('email', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('password_encrypted', existing_type=sa.String(length=512),
                              nullable=False)
        batch_op.alter_column('username', existing_type=sa.String(length=128), nullable=False)
        batch_op.drop_column('held_reason')
        batch_op.drop_column('status_callback_at')
        batch_op.drop_column('api_key_encrypted')
        batch_op.drop_column('generation')
