"""credentials: modules that earn a credential

Revision ID: c3f1a7d2e8b4
Revises: c4f1a9e2b7d3
Create Date: 2026-12-02 05:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3f1a7d2e8b4'
down_revision = 'c4f1a9e2b7d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credential_modules',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_credential_modules_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['people.id'], name=op.f('fk_credential_modules_set_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_credential_modules_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', 'module_id', name=op.f('pk_credential_modules'))
    )


def downgrade():
    op.drop_table('credential_modules')
