"""sign-in sessions kept on the server; people.session_token goes

Revision ID: 5e55104a7c13
Revises: 31330caa5e0a
Create Date: 2026-12-01 21:30:00

Every session signed in before this migration ends (its cookie names no row).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e55104a7c13'
down_revision = '31330caa5e0a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_sign_in_sessions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions'))
    )
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('session_token')


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))

    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_created_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_person_id'))

    op.drop_table('sign_in_sessions')
