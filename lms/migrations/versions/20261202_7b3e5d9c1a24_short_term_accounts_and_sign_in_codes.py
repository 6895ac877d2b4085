"""short-term accounts (people.ends_on) and one-time sign-in codes (by SMS or printed)

Revision ID: 7b3e5d9c1a24
Revises: d87267781aec
Create Date: 2026-12-02 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3e5d9c1a24'
down_revision = 'd87267781aec'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_people_ends_on'), ['ends_on'], unique=False)
    op.create_table(
        'sign_in_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('wrong_tries', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_sign_in_codes_created_by_id_people'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_sign_in_codes_person_id_people'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_codes')),
    )
    with op.batch_alter_table('sign_in_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_codes_code_hash'), ['code_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_codes_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_codes_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_in_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_codes_person_id'))
        batch_op.drop_index(batch_op.f('ix_sign_in_codes_expires_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_codes_code_hash'))
    op.drop_table('sign_in_codes')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_ends_on'))
        batch_op.drop_column('ends_on')
