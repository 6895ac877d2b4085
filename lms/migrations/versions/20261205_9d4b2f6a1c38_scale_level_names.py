"""scale level names by language: competence_scale_levels.name (Bokmål) becomes names, a language
map like a framework's titles ({"nb": name}); the downgrade keeps the Bokmål name

Revision ID: 9d4b2f6a1c38
Revises: f873c42af729
Create Date: 2026-12-05 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d4b2f6a1c38'
down_revision = 'f873c42af729'
branch_labels = None
depends_on = None

LEVELS = sa.table(
    'competence_scale_levels',
    sa.column('id', sa.Integer()),
    sa.column('name', sa.String(100)),
    sa.column('names', sa.JSON()),
)


def upgrade():
    with op.batch_alter_table('competence_scale_levels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('names', sa.JSON(), server_default='{}', nullable=False))
    bind = op.get_bind()
    for level_id, name in bind.execute(sa.select(LEVELS.c.id, LEVELS.c.name)).all():
        bind.execute(LEVELS.update().where(LEVELS.c.id == level_id).values(names={'nb': name}))
    with op.batch_alter_table('competence_scale_levels', schema=None) as batch_op:
        batch_op.alter_column('names', server_default=None)
        batch_op.drop_column('name')


def downgrade():
    with op.batch_alter_table('competence_scale_levels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), server_default='', nullable=False))
    bind = op.get_bind()
    for level_id, names in bind.execute(sa.select(LEVELS.c.id, LEVELS.c.names)).all():
        name = (names or {}).get('nb') or next(iter((names or {}).values()), '')
        bind.execute(LEVELS.update().where(LEVELS.c.id == level_id).values(name=name[:100]))
    with op.batch_alter_table('competence_scale_levels', schema=None) as batch_op:
        batch_op.alter_column('name', server_default=None)
        batch_op.drop_column('names')
