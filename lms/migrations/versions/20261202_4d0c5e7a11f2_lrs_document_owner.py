"""the key that created each document of the built-in LRS (xAPI's state and profile scopes are
limited to the client's own documents); room for the API keys' hashes to name their scheme

Revision ID: 4d0c5e7a11f2
Revises: 9a7e0c15b2d4
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d0c5e7a11f2'
down_revision = '9a7e0c15b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('xapi_lrs_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=64), nullable=True))
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.alter_column('secret_hash', existing_type=sa.String(length=64), type_=sa.String(length=200), existing_nullable=False)


def downgrade():
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.alter_column('secret_hash', existing_type=sa.String(length=200), type_=sa.String(length=64), existing_nullable=False)
    with op.batch_alter_table('xapi_lrs_document', schema=None) as batch_op:
        batch_op.drop_column('owner')
