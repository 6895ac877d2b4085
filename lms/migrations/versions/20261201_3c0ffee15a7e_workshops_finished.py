"""workshops: a session can be cancelled; agreed actions with an owner, a due date and a status

The sessions' free-text actions become one open action a line (no owner, no due date), so nothing
agreed is lost; the text column goes.

Revision ID: 3c0ffee15a7e
Revises: 1a5c09e513ab
Create Date: 2026-12-01 21:30:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c0ffee15a7e'
down_revision = '1a5c09e513ab'
branch_labels = None
depends_on = None


def _action_lines(text):
    lines = (line.strip().lstrip('-*• ').strip() for line in (text or '').splitlines())
    return [line[:500] for line in lines if line]


def upgrade():
    # Read the free-text actions first: on SQLite the sessions' table is copied and dropped below,
    # which would cascade to actions made before it.
    connection = op.get_bind()
    sessions = sa.table('workshop_sessions', sa.column('id', sa.Integer), sa.column('actions', sa.Text))
    agreed = [
        (session_id, line)
        for session_id, text in connection.execute(sa.select(sessions.c.id, sessions.c.actions))
        for line in _action_lines(text)
    ]

    with op.batch_alter_table('workshop_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('actions')

    actions = op.create_table('workshop_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'done', name='actionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_workshop_actions_owner_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['workshop_sessions.id'], name=op.f('fk_workshop_actions_session_id_workshop_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_actions'))
    )
    with op.batch_alter_table('workshop_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_actions_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_actions_session_id'), ['session_id'], unique=False)

    now = datetime.now(UTC)
    if agreed:
        op.bulk_insert(actions, [
            {'session_id': session_id, 'text': line, 'status': 'open', 'created_at': now}
            for session_id, line in agreed
        ])


def downgrade():
    with op.batch_alter_table('workshop_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actions', sa.Text(), nullable=False, server_default=''))
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('workshop_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_actions_session_id'))
        batch_op.drop_index(batch_op.f('ix_workshop_actions_owner_id'))

    op.drop_table('workshop_actions')
