"""the overview's month-by-month figures per unit and competence (report_month_figures)

Revision ID: c4f1a9e2b7d3
Revises: 9b4e65279a52
Create Date: 2026-12-02 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a9e2b7d3'
down_revision = '9b4e65279a52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_month_figures',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('competence_id', sa.Integer(), nullable=False),
        sa.Column('met', sa.Integer(), nullable=False),
        sa.Column('expiring', sa.Integer(), nullable=False),
        sa.Column('expired', sa.Integer(), nullable=False),
        sa.Column('missing', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['competence_id'], ['competences.id'], name=op.f('fk_report_month_figures_competence_id_competences'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_report_month_figures_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('month', 'unit_id', 'competence_id', name=op.f('pk_report_month_figures')),
    )


def downgrade():
    op.drop_table('report_month_figures')
