"""group runs

Revision ID: ea7f37e75073
Revises: 55c51e658404, 7e5a1c2b9d40 (also joins the two heads those left)
Create Date: 2026-11-23 18:52:54.195796

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ea7f37e75073'
down_revision = ('55c51e658404', '7e5a1c2b9d40')
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('group_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['facilitator_id'], ['people.id'], name=op.f('fk_group_runs_facilitator_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_group_runs_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_group_runs_unit_id_units'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['module_versions.id'], name=op.f('fk_group_runs_version_id_module_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_runs')),
    sa.UniqueConstraint('uuid', name=op.f('uq_group_runs_uuid'))
    )
    with op.batch_alter_table('group_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_runs_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_runs_facilitator_id_started_at'), ['facilitator_id', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_runs_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_runs_unit_id'), ['unit_id'], unique=False)

    op.create_table('group_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ticked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_how', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'], name=op.f('fk_group_participants_attempt_id_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_group_participants_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['group_runs.id'], name=op.f('fk_group_participants_run_id_group_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticked_in_by_id'], ['people.id'], name=op.f('fk_group_participants_ticked_in_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_participants')),
    sa.UniqueConstraint('attempt_id', name=op.f('uq_group_participants_attempt_id')),
    sa.UniqueConstraint('run_id', 'person_id', name=op.f('uq_group_participants_run_id_person_id'))
    )
    with op.batch_alter_table('group_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_participants_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('group_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_participants_person_id'))

    op.drop_table('group_participants')
    with op.batch_alter_table('group_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_runs_unit_id'))
        batch_op.drop_index(batch_op.f('ix_group_runs_module_id'))
        batch_op.drop_index(batch_op.f('ix_group_runs_facilitator_id_started_at'))
        batch_op.drop_index(batch_op.f('ix_group_runs_code'))

    op.drop_table('group_runs')
