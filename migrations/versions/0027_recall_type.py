"""a recall's appointment type (issue 19): the kind of visit whose booking ends it. Existing
recalls keep NULL: any appointment of the patient still ends them, as before.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 15:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_type_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_recall_appointment_type_id_appointment_type'), 'appointment_type',
            ['appointment_type_id', 'practice_id'], ['id', 'practice_id'])


def downgrade():
    with op.batch_alter_table('recall', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_recall_appointment_type_id_appointment_type'),
                                 type_='foreignkey')
        batch_op.drop_column('appointment_type_id')
