"""lrs documents

Revision ID: 55c51e658404
Revises: d0dddd67ed59
Create Date: 2026-11-23 19:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '55c51e658404'
down_revision = 'd0dddd67ed59'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('xapi_lrs_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('activity_key', sa.String(length=64), nullable=False),
    sa.Column('agent_key', sa.String(length=64), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('document_key', sa.String(length=64), nullable=False),
    sa.Column('document_id', sa.Text(), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('etag', sa.String(length=40), nullable=False),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_lrs_document')),
    sa.UniqueConstraint('kind', 'activity_key', 'agent_key', 'registration', 'document_key', name=op.f('uq_xapi_lrs_document_kind_activity_key_agent_key_registration_document_key'))
    )
    op.create_table('xapi_lrs_activity',
    sa.Column('activity_key', sa.String(length=64), nullable=False),
    sa.Column('activity', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('activity_key', name=op.f('pk_xapi_lrs_activity'))
    )
    op.create_table('xapi_lrs_attachment',
    sa.Column('sha2', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha2', name=op.f('pk_xapi_lrs_attachment'))
    )
    with op.batch_alter_table('xapi_lrs_statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ref_target', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_xapi_lrs_statement_ref_target'), ['ref_target'], unique=False)
    for table, key in (('xapi_lrs_statement_agent', 'agent_key'), ('xapi_lrs_statement_activity', 'activity_key')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('stored', sa.DateTime(timezone=True), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_{key}_stored_statement_pk'), [key, 'stored', 'statement_pk'], unique=False)
        op.execute(
            f'UPDATE {table} SET stored = (SELECT xapi_lrs_statement.stored FROM xapi_lrs_statement '
            f'WHERE xapi_lrs_statement.id = {table}.statement_pk)'
        )


def downgrade():
    for table, key in (('xapi_lrs_statement_agent', 'agent_key'), ('xapi_lrs_statement_activity', 'activity_key')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{key}_stored_statement_pk'))
            batch_op.drop_column('stored')
    with op.batch_alter_table('xapi_lrs_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_lrs_statement_ref_target'))
        batch_op.drop_column('ref_target')
    op.drop_table('xapi_lrs_attachment')
    op.drop_table('xapi_lrs_activity')
    op.drop_table('xapi_lrs_document')
