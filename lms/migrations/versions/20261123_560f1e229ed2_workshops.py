"""workshops

Revision ID: 560f1e229ed2
Revises: 01a9baaed8d6
Create Date: 2026-11-23 18:50:58.525765

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '560f1e229ed2'
down_revision = '01a9baaed8d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workshop_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('required_share', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_workshop_series_capacity_positive')),
    sa.CheckConstraint('required_share BETWEEN 1 AND 100', name=op.f('ck_workshop_series_share_range')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['people.id'], name=op.f('fk_workshop_series_facilitator_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_workshop_series_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_series')),
    sa.UniqueConstraint('uuid', name=op.f('uq_workshop_series_uuid'))
    )
    with op.batch_alter_table('workshop_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_series_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_series_unit_id'), ['unit_id'], unique=False)

    op.create_table('workshop_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_workshop_modules_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['workshop_series.id'], name=op.f('fk_workshop_modules_series_id_workshop_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_modules')),
    sa.UniqueConstraint('series_id', 'module_id', name=op.f('uq_workshop_modules_series_id_module_id'))
    )
    with op.batch_alter_table('workshop_modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_modules_series_id'), ['series_id'], unique=False)

    op.create_table('workshop_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('signed_up', 'invited', 'waiting', name='participantstatus', native_enum=False, length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completion_statement_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['people.id'], name=op.f('fk_workshop_participants_invited_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_workshop_participants_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['workshop_series.id'], name=op.f('fk_workshop_participants_series_id_workshop_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_participants')),
    sa.UniqueConstraint('series_id', 'person_id', name=op.f('uq_workshop_participants_series_id_person_id'))
    )
    with op.batch_alter_table('workshop_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_participants_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_participants_series_id'), ['series_id'], unique=False)

    op.create_table('workshop_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=80), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('check_in_token', sa.String(length=40), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('actions', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['series_id'], ['workshop_series.id'], name=op.f('fk_workshop_sessions_series_id_workshop_series'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_sessions')),
    sa.UniqueConstraint('uid', name=op.f('uq_workshop_sessions_uid'))
    )
    with op.batch_alter_table('workshop_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_sessions_series_id'), ['series_id'], unique=False)

    op.create_table('workshop_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('self', 'facilitator', name='checkinmethod', native_enum=False, length=20), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['people.id'], name=op.f('fk_workshop_attendance_checked_in_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_workshop_attendance_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['workshop_sessions.id'], name=op.f('fk_workshop_attendance_session_id_workshop_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_attendance')),
    sa.UniqueConstraint('session_id', 'person_id', name=op.f('uq_workshop_attendance_session_id_person_id'))
    )
    with op.batch_alter_table('workshop_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_attendance_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_attendance_session_id'), ['session_id'], unique=False)

    op.create_table('workshop_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('usefulness', sa.Integer(), nullable=False),
    sa.Column('takeaway', sa.Text(), nullable=False),
    sa.Column('improve', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_workshop_evaluations_usefulness_range')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_workshop_evaluations_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['workshop_sessions.id'], name=op.f('fk_workshop_evaluations_session_id_workshop_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_evaluations')),
    sa.UniqueConstraint('session_id', 'person_id', name=op.f('uq_workshop_evaluations_session_id_person_id'))
    )
    with op.batch_alter_table('workshop_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_evaluations_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('workshop_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_evaluations_session_id'))

    op.drop_table('workshop_evaluations')
    with op.batch_alter_table('workshop_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_attendance_session_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_attendance_person_id'))

    op.drop_table('workshop_attendance')

    with op.batch_alter_table('workshop_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_sessions_series_id'))

    op.drop_table('workshop_sessions')
    with op.batch_alter_table('workshop_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_participants_series_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_participants_person_id'))

    op.drop_table('workshop_participants')
    with op.batch_alter_table('workshop_modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_modules_series_id'))

    op.drop_table('workshop_modules')

    with op.batch_alter_table('workshop_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_series_unit_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_series_facilitator_id'))

    op.drop_table('workshop_series')
