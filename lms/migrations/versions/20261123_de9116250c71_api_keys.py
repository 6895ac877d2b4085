"""api_keys (placeholder: filled in by the work that owns it)

Revision ID: de9116250c71
Revises: 1d97beb672d7
Create Date: 2026-11-23 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'de9116250c71'
down_revision = '1d97beb672d7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
