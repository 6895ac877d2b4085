"""recurring assignments; assignments made by a competence requirement

Revision ID: 31330caa5e0a
Revises: 7c1e2b9d4f60
Create Date: 2026-11-23 22:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '31330caa5e0a'
down_revision = '7c1e2b9d4f60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recur_months', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('requirement_id', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_assignments_recur_positive'), 'recur_months IS NULL OR recur_months >= 1')
        batch_op.create_foreign_key(batch_op.f('fk_assignments_requirement_id_competence_requirements'), 'competence_requirements', ['requirement_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_assignments_requirement_id'), ['requirement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_requirement_id'))
        batch_op.drop_constraint(batch_op.f('fk_assignments_requirement_id_competence_requirements'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_assignments_recur_positive'), type_='check')
        batch_op.drop_column('requirement_id')
        batch_op.drop_column('recur_months')
