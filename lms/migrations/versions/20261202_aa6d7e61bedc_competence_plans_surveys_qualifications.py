"""competence plans, needs surveys and formal qualifications

Revision ID: aa6d7e61bedc
Revises: c4a8e2f61d35
Create Date: 2026-12-02 04:18:00.954183

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa6d7e61bedc'
down_revision = 'c4a8e2f61d35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('competence_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('evaluation', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_competence_plans_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_competence_plans_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_plans')),
    sa.UniqueConstraint('unit_id', 'year', name=op.f('uq_competence_plans_unit_id_year'))
    )
    with op.batch_alter_table('competence_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_plans_unit_id'), ['unit_id'], unique=False)

    op.create_table('formal_qualifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('authorisation', 'trade_cert', 'further_edu', name='qualificationkind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('hpr_number', sa.String(length=9), nullable=True),
    sa.Column('achieved_on', sa.Date(), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['people.id'], name=op.f('fk_formal_qualifications_checked_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_formal_qualifications_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_formal_qualifications'))
    )
    with op.batch_alter_table('formal_qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_formal_qualifications_person_id'), ['person_id'], unique=False)

    op.create_table('needs_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('systems', sa.JSON(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_needs_surveys_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_needs_surveys_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_surveys'))
    )
    with op.batch_alter_table('needs_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_surveys_unit_id'), ['unit_id'], unique=False)

    op.create_table('competence_plan_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('module', 'workshop', 'course', 'sign_off', 'recruitment', name='measurekind', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'ongoing', 'done', 'cancelled', name='measurestatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_competence_plan_measures_owner_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['competence_plans.id'], name=op.f('fk_competence_plan_measures_plan_id_competence_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_plan_measures'))
    )
    with op.batch_alter_table('competence_plan_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_plan_measures_plan_id'), ['plan_id'], unique=False)

    op.create_table('needs_survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.JSON(), nullable=False),
    sa.Column('preferences', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['needs_surveys.id'], name=op.f('fk_needs_survey_answers_survey_id_needs_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_survey_answers'))
    )
    with op.batch_alter_table('needs_survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_survey_answers_survey_id'), ['survey_id'], unique=False)

    op.create_table('needs_survey_respondents',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_needs_survey_respondents_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['needs_surveys.id'], name=op.f('fk_needs_survey_respondents_survey_id_needs_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'person_id', name=op.f('pk_needs_survey_respondents'))
    )
    op.create_table('competence_plan_needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('gap', 'survey', 'own', name='needsource', native_enum=False, length=20), nullable=False),
    sa.Column('competence_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('missing', sa.Integer(), nullable=False),
    sa.Column('expired', sa.Integer(), nullable=False),
    sa.Column('expiring', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competence_id'], ['competences.id'], name=op.f('fk_competence_plan_needs_competence_id_competences'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['competence_plans.id'], name=op.f('fk_competence_plan_needs_plan_id_competence_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competence_plan_needs'))
    )
    with op.batch_alter_table('competence_plan_needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competence_plan_needs_plan_id'), ['plan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('competence_plan_needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_plan_needs_plan_id'))

    op.drop_table('competence_plan_needs')
    op.drop_table('needs_survey_respondents')
    with op.batch_alter_table('needs_survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_survey_answers_survey_id'))

    op.drop_table('needs_survey_answers')
    with op.batch_alter_table('competence_plan_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_plan_measures_plan_id'))

    op.drop_table('competence_plan_measures')
    with op.batch_alter_table('needs_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_surveys_unit_id'))

    op.drop_table('needs_surveys')
    with op.batch_alter_table('formal_qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_formal_qualifications_person_id'))

    op.drop_table('formal_qualifications')
    with op.batch_alter_table('competence_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competence_plans_unit_id'))

    op.drop_table('competence_plans')
