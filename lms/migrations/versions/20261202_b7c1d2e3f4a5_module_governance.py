"""module governance: author, responsible, review date, licence and sources per version; an owner
account per module; review reminders sent

Revision ID: b7c1d2e3f4a5
Revises: 4d0c5e7a11f2
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = '4d0c5e7a11f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('module_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('author', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('responsible', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('review_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('licence', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sources', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_module_versions_review_date'), ['review_date'], unique=False)
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_modules_owner_id_people'), 'people', ['owner_id'], ['id'], ondelete='SET NULL')
    op.create_table('module_review_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('review_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_module_review_reminders_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_module_review_reminders_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_review_reminders')),
    sa.UniqueConstraint('module_id', 'review_date', 'kind', name=op.f('uq_module_review_reminders_module_id_review_date_kind'))
    )


def downgrade():
    op.drop_table('module_review_reminders')
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_modules_owner_id_people'), type_='foreignkey')
        batch_op.drop_column('owner_id')
    with op.batch_alter_table('module_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_versions_review_date'))
        batch_op.drop_column('sources')
        batch_op.drop_column('licence')
        batch_op.drop_column('review_date')
        batch_op.drop_column('responsible')
        batch_op.drop_column('author')
