"""a read-only staff role

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 23:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_staff_user_role'), type_='check')
        batch_op.alter_column('role', existing_type=sa.String(length=5),
                              type_=sa.String(length=9), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_staff_user_role'),
                                         "role IN ('owner', 'staff', 'read_only')")


def downgrade():
    op.execute("UPDATE staff_user SET role = 'staff' WHERE role = 'read_only'")
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_staff_user_role'), type_='check')
        batch_op.alter_column('role', existing_type=sa.String(length=9),
                              type_=sa.String(length=5), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_staff_user_role'),
                                         "role IN ('owner', 'staff')")
