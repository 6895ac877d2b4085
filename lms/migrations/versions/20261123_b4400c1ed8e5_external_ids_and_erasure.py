"""external ids for HR sync; erasure mark on people

Revision ID: b4400c1ed8e5
Revises: ea7f37e75073
Create Date: 2026-11-23 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4400c1ed8e5'
down_revision = 'ea7f37e75073'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_units_external_id'), ['external_id'])
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_people_external_id'), ['external_id'])


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_people_external_id'), type_='unique')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('external_id')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_units_external_id'), type_='unique')
        batch_op.drop_column('external_id')
