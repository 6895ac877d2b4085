"""audit_log_and_privacy (placeholder: filled in by the work that owns it)

Revision ID: 006ac62ff5a4
Revises: de9116250c71
Create Date: 2026-11-23 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '006ac62ff5a4'
down_revision = 'de9116250c71'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
