"""the cards a group run showed and each participant was present for; how each attempt ended

Revision ID: 9a7e0c15b2d4
Revises: 3c0ffee15a7e
Create Date: 2026-12-01 21:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a7e0c15b2d4'
down_revision = '3c0ffee15a7e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('group_presence',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('card_index', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['group_participants.id'], name=op.f('fk_group_presence_participant_id_group_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id', 'card_index', name=op.f('pk_group_presence'))
    )
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=12), nullable=True))
    with op.batch_alter_table('group_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown', sa.JSON(), nullable=True))
    # Attempts completed before: passed, failed, or completed when nothing was scored.
    op.execute("UPDATE attempts SET outcome = CASE WHEN passed IS NULL THEN 'completed' "
               "WHEN passed THEN 'passed' ELSE 'failed' END WHERE completed_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('group_runs', schema=None) as batch_op:
        batch_op.drop_column('shown')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_column('outcome')
    op.drop_table('group_presence')
