"""competence

Revision ID: d0dddd67ed59
Revises: ea7f37e75073
Create Date: 2026-11-23 19:02:22.745688

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0dddd67ed59'
down_revision = '560f1e229ed2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competence_scales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_scales'))
    )
    op.create_table('competence_frameworks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idnumber', sa.String(length=100), nullable=False),
    sa.Column('shortname', sa.String(length=200), nullable=False),
    sa.Column('titles', sa.JSON(), nullable=False),
    sa.Column('descriptions', sa.JSON(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('taxonomy', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['scale_id'], ['competence_scales.id'], name=op.f('fk_competence_frameworks_scale_id_competence_scales'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_frameworks')),
    sa.UniqueConstraint('idnumber', name=op.f('uq_competence_frameworks_idnumber'))
    )
    op.create_table('competence_scale_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('proficient', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['scale_id'], ['competence_scales.id'], name=op.f('fk_competence_scale_levels_scale_id_competence_scales'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_scale_levels')),
    sa.UniqueConstraint('scale_id', 'value', name=op.f('uq_competence_scale_levels_scale_id_value'))
    )
    op.create_table('competences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('titles', sa.JSON(), nullable=False),
    sa.Column('descriptions', sa.JSON(), nullable=False),
    sa.Column('mappings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['competence_frameworks.id'], name=op.f('fk_competences_framework_id_competence_frameworks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['competences.id'], name=op.f('fk_competences_parent_id_competences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competences')),
    sa.UniqueConstraint('code', name=op.f('uq_competences_code'))
    )
    with op.batch_alter_table('competences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competences_framework_id'), ['framework_id'], unique=False)

    op.create_table('competence_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('module', 'workshop', 'self', 'sign_off', 'certificate', name='evidencekind', native_enum=False, length=20), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('asserted_by_id', sa.Integer(), nullable=True),
    sa.Column('achieved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('level >= 1', name=op.f('ck_competence_evidence_level_positive')),
    sa.ForeignKeyConstraint(['asserted_by_id'], ['people.id'], name=op.f('fk_competence_evidence_asserted_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['competence_id'], ['competences.id'], name=op.f('fk_competence_evidence_competence_id_competences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_competence_evidence_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_evidence'))
    )
    with op.batch_alter_table('competence_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_evidence_competence_id'), ['competence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competence_evidence_person_id_competence_id_achieved_at'), ['person_id', 'competence_id', 'achieved_at'], unique=False)

    op.create_table('competence_requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('staff', 'facilitator', 'manager', 'admin', name='role', native_enum=False, length=20), nullable=True),
    sa.Column('job_title', sa.String(length=40), nullable=True),
    sa.Column('min_level', sa.Integer(), nullable=False),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('validity_months', sa.Integer(), nullable=True),
    sa.Column('renewal_days', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('min_level >= 1', name=op.f('ck_competence_requirements_min_level_positive')),
    sa.ForeignKeyConstraint(['competence_id'], ['competences.id'], name=op.f('fk_competence_requirements_competence_id_competences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_competence_requirements_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_competence_requirements_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_requirements'))
    )
    with op.batch_alter_table('competence_requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_requirements_competence_id'), ['competence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competence_requirements_unit_id'), ['unit_id'], unique=False)

    op.create_table('competence_requirement_status',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competence_id'], ['competences.id'], name=op.f('fk_competence_requirement_status_competence_id_competences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_competence_requirement_status_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requirement_id'], ['competence_requirements.id'], name=op.f('fk_competence_requirement_status_requirement_id_competence_requirements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'requirement_id', name=op.f('pk_competence_requirement_status'))
    )
    with op.batch_alter_table('competence_requirement_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_requirement_status_requirement_id_state'), ['requirement_id', 'state'], unique=False)



def downgrade():
    with op.batch_alter_table('competence_requirement_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_requirement_status_requirement_id_state'))

    op.drop_table('competence_requirement_status')
    with op.batch_alter_table('competence_requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_requirements_unit_id'))
        batch_op.drop_index(batch_op.f('ix_competence_requirements_competence_id'))

    op.drop_table('competence_requirements')
    with op.batch_alter_table('competence_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_evidence_person_id_competence_id_achieved_at'))
        batch_op.drop_index(batch_op.f('ix_competence_evidence_competence_id'))

    op.drop_table('competence_evidence')
    with op.batch_alter_table('competences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competences_framework_id'))

    op.drop_table('competences')
    op.drop_table('competence_scale_levels')
    op.drop_table('competence_frameworks')
    op.drop_table('competence_scales')
