"""single sign-on identities

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
    op.create_table('sso_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_signed_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_sso_identities_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_identities')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_sso_identities_issuer_subject'))
    )
    with op.batch_alter_table('sso_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_identities_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sso_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_identities_person_id'))

    op.drop_table('sso_identities')
