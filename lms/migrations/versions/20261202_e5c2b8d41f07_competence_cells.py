"""the matrix's cells, kept (competence_cells), filled from the roles, requirements and status

Revision ID: e5c2b8d41f07
Revises: c3f1a7d2e8b4
Create Date: 2026-12-02 08:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5c2b8d41f07'
down_revision = 'c3f1a7d2e8b4'
branch_labels = None
depends_on = None

FILL = """
INSERT INTO competence_cells
    (person_id, competence_id, severity, level, required, since, valid_until)
WITH RECURSIVE requirement_units (requirement_id, unit_id) AS (
    SELECT id, unit_id FROM competence_requirements
    UNION ALL
    SELECT requirement_units.requirement_id, units.id
    FROM units JOIN requirement_units ON units.parent_id = requirement_units.unit_id
)
SELECT role_assignments.person_id, r.competence_id,
    MAX(COALESCE(s.state, 3) + CASE WHEN r.mandatory THEN 4 ELSE 0 END),
    MAX(s.level), MAX(r.min_level), MIN(s.since), MIN(s.valid_until)
FROM role_assignments
JOIN requirement_units ON requirement_units.unit_id = role_assignments.unit_id
JOIN competence_requirements AS r ON r.id = requirement_units.requirement_id
JOIN people ON people.id = role_assignments.person_id
LEFT OUTER JOIN competence_requirement_status AS s
    ON s.person_id = role_assignments.person_id AND s.requirement_id = r.id
WHERE people.active
    AND (r.role IS NULL OR r.role = role_assignments.role)
    AND (r.job_title IS NULL OR r.job_title = people.job_title)
GROUP BY role_assignments.person_id, r.competence_id
"""
"""``lms.competence.cells.cell_query`` as it stands at this revision (3: State.MISSING)."""


def upgrade():
    op.create_table(
        'competence_cells',
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('competence_id', sa.Integer(), nullable=False),
        sa.Column('severity', sa.Integer(), nullable=False),
        sa.Column('level', sa.Integer(), nullable=True),
        sa.Column('required', sa.Integer(), nullable=False),
        sa.Column('since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['competence_id'], ['competences.id'], name=op.f('fk_competence_cells_competence_id_competences'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_competence_cells_person_id_people'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('person_id', 'competence_id', name=op.f('pk_competence_cells')),
        sqlite_with_rowid=False,
    )
    op.execute(FILL)


def downgrade():
    op.drop_table('competence_cells')
