"""lrs: fewer indexes to write per statement; the version each key last spoke

Revision ID: 7c1e2b9d4f60
Revises: 006ac62ff5a4
Create Date: 2026-11-23 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e2b9d4f60'
down_revision = '006ac62ff5a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('xapi_lrs_credential', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_version', sa.String(length=10), nullable=True))
    with op.batch_alter_table('xapi_lrs_statement_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_lrs_statement_activity_activity_key_statement_pk'))
    with op.batch_alter_table('xapi_lrs_statement_agent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_lrs_statement_agent_agent_key_statement_pk'))
    with op.batch_alter_table('xapi_lrs_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_lrs_statement_actor_key_stored_id'))
        batch_op.drop_column('actor_key')


def downgrade():
    with op.batch_alter_table('xapi_lrs_statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_xapi_lrs_statement_actor_key_stored_id'), ['actor_key', 'stored', 'id'], unique=False)
    with op.batch_alter_table('xapi_lrs_statement_agent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_lrs_statement_agent_agent_key_statement_pk'), ['agent_key', 'statement_pk'], unique=False)
    with op.batch_alter_table('xapi_lrs_statement_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_lrs_statement_activity_activity_key_statement_pk'), ['activity_key', 'statement_pk'], unique=False)
    with op.batch_alter_table('xapi_lrs_credential', schema=None) as batch_op:
        batch_op.drop_column('last_version')
