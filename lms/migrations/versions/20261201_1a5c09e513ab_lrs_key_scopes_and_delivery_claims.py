"""LRS key scopes; delivery claims and probes

Keys of the built-in LRS get xAPI's OAuth scopes (existing keys keep seeing everything: ``all``),
and statements remember the key that stored them;
outbox rows a deliverer has claimed name the claim; the delivery state says whether the next post is
a one-statement probe.

Revision ID: 1a5c09e513ab
Revises: 5e55104a7c13
Create Date: 2026-12-01 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1a5c09e513ab'
down_revision = '5e55104a7c13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('xapi_lrs_credential', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scopes', sa.String(length=200), server_default='all', nullable=False))
    with op.batch_alter_table('xapi_lrs_statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stored_by', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_xapi_lrs_statement_stored_by_stored_id'), ['stored_by', 'stored', 'id'], unique=False)
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=32), nullable=True))
    with op.batch_alter_table('xapi_delivery_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('probe_first', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('xapi_delivery_state', schema=None) as batch_op:
        batch_op.drop_column('probe_first')
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
    with op.batch_alter_table('xapi_lrs_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_lrs_statement_stored_by_stored_id'))
        batch_op.drop_column('stored_by')
    with op.batch_alter_table('xapi_lrs_credential', schema=None) as batch_op:
        batch_op.drop_column('scopes')
