"""practice follow-ups: "Hvordan gikk det?" after a practice card's commitment

Revision ID: 5f0110c0ab1e
Revises: b7c1d2e3f4a5
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f0110c0ab1e'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.String(length=64), nullable=False),
    sa.Column('card_id', sa.String(length=64), nullable=False),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('choice', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('statement_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_practice_follow_ups_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_practice_follow_ups_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_follow_ups')),
    sa.UniqueConstraint('answer_id', name=op.f('uq_practice_follow_ups_answer_id'))
    )
    with op.batch_alter_table('practice_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_follow_ups_module_id_card_id_answered_at'), ['module_id', 'card_id', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_follow_ups_person_id_answered_at'), ['person_id', 'answered_at'], unique=False)


def downgrade():
    op.drop_table('practice_follow_ups')
