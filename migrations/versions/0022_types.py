"""appointment types and locations (issue 19, part): a practice's kinds of visit (default
length, preparation note) and its sites (address, phone, own time zone); an appointment's
optional type and site; reminder rules scoped to a type and/or a provider. Existing rows
keep NULL in every new column: untyped appointments at no particular site, rules for all.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 11:17:15.643265

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appointment_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('default_duration_minutes', sa.Integer(), nullable=False),
    sa.Column('prep_note', sa.String(length=300), nullable=False),
    sa.Column('prep_note_es', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('default_duration_minutes > 0', name=op.f('ck_appointment_type_default_duration_positive')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_appointment_type_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_type')),
    sa.UniqueConstraint('id', 'practice_id', name=op.f('uq_appointment_type_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('appointment_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_type_practice_id'), ['practice_id'], unique=False)

    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_location_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_location')),
    sa.UniqueConstraint('id', 'practice_id', name=op.f('uq_location_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_location_practice_id'), ['practice_id'], unique=False)

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_type_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('location_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_appointment_appointment_type_id'), ['appointment_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointment_location_id'), ['location_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_appointment_location_id_location'), 'location', ['location_id', 'practice_id'], ['id', 'practice_id'])
        batch_op.create_foreign_key(batch_op.f('fk_appointment_appointment_type_id_appointment_type'), 'appointment_type', ['appointment_type_id', 'practice_id'], ['id', 'practice_id'])

    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_type_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('provider_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reminder_rule_appointment_type_id'), ['appointment_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_rule_provider_id'), ['provider_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reminder_rule_appointment_type_id_appointment_type'), 'appointment_type', ['appointment_type_id', 'practice_id'], ['id', 'practice_id'])
        batch_op.create_foreign_key(batch_op.f('fk_reminder_rule_provider_id_provider'), 'provider', ['provider_id', 'practice_id'], ['id', 'practice_id'])



def downgrade():
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reminder_rule_provider_id_provider'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reminder_rule_appointment_type_id_appointment_type'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reminder_rule_provider_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_rule_appointment_type_id'))
        batch_op.drop_column('provider_id')
        batch_op.drop_column('appointment_type_id')

    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_appointment_type_id_appointment_type'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_appointment_location_id_location'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appointment_location_id'))
        batch_op.drop_index(batch_op.f('ix_appointment_appointment_type_id'))
        batch_op.drop_column('location_id')
        batch_op.drop_column('appointment_type_id')

    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_location_practice_id'))

    op.drop_table('location')
    with op.batch_alter_table('appointment_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointment_type_practice_id'))

    op.drop_table('appointment_type')
