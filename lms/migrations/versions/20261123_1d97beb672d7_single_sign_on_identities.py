"""single_sign_on_identities (placeholder: filled in by the work that owns it)

Revision ID: 1d97beb672d7
Revises: b4400c1ed8e5
Create Date: 2026-11-23 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1d97beb672d7'
down_revision = 'b4400c1ed8e5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
