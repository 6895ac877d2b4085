"""module ratings (anonymous, a flag on the attempt), and the highest level each kind of evidence
can prove (frameworks and competences), with stored requirement status capped to match

Revision ID: c4a8e2f61d35
Revises: 7b3e5d9c1a24
Create Date: 2026-12-02 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a8e2f61d35'
down_revision = '7b3e5d9c1a24'
branch_labels = None
depends_on = None

UNCAPPED = "e.kind NOT IN ('self', 'module', 'workshop')"
STATUS = "competence_requirement_status"
MIN_LEVEL = f"(SELECT r.min_level FROM competence_requirements r WHERE r.id = {STATUS}.requirement_id)"
SAME_PERSON_AND_COMPETENCE = (
    f"e.person_id = {STATUS}.person_id AND e.competence_id = {STATUS}.competence_id"
)


def upgrade():
    op.create_table(
        'module_ratings',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=True),
        sa.Column('thumbs_up', sa.Boolean(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('rated_month', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['municipality_id'], ['units.id'], name=op.f('fk_module_ratings_municipality_id_units'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['version_id'], ['module_versions.id'], name=op.f('fk_module_ratings_version_id_module_versions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_module_ratings')),
    )
    with op.batch_alter_table('module_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_ratings_version_id'), ['version_id'], unique=False)
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rated', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_attempts_version_id'), ['version_id'], unique=False)
    with op.batch_alter_table('competence_frameworks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_levels', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('competences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_levels', sa.JSON(), server_default='{}', nullable=False))
    _cap_stored_status()


def _cap_stored_status():
    """Module and workshop evidence now proves level 1 at most (no framework states otherwise yet).
    What can be decided here without the profile function's validity rules:

    - a requirement above level 1 that no other kind of evidence reaches can no longer be met, nor
      have expired: it is missing;
    - a level above 1 that no other kind of evidence reaches is 1.

    A requirement met by a sign-off or certificate beside a module keeps its state here; its dates
    are recomputed by ``lms competence refresh`` (nightly, and run when ``lms competence
    load-shipped`` finds the stated levels changed)."""
    op.execute(
        f"UPDATE {STATUS} SET state = 3, since = NULL, valid_until = NULL "
        f"WHERE state IN (0, 1, 2) AND {MIN_LEVEL} > 1 AND NOT EXISTS ("
        f"SELECT 1 FROM competence_evidence e WHERE {SAME_PERSON_AND_COMPETENCE} "
        f"AND {UNCAPPED} AND e.level >= {MIN_LEVEL})"
    )
    op.execute(
        f"UPDATE {STATUS} SET level = 1 WHERE level > 1 AND NOT EXISTS ("
        f"SELECT 1 FROM competence_evidence e WHERE {SAME_PERSON_AND_COMPETENCE} "
        f"AND {UNCAPPED} AND e.level > 1)"
    )


def downgrade():
    with op.batch_alter_table('competences', schema=None) as batch_op:
        batch_op.drop_column('evidence_levels')
    with op.batch_alter_table('competence_frameworks', schema=None) as batch_op:
        batch_op.drop_column('evidence_levels')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempts_version_id'))
        batch_op.drop_column('rated')
    with op.batch_alter_table('module_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_ratings_version_id'))
    op.drop_table('module_ratings')
