"""shifts and reminders

Revision ID: 7e5a1c2b9d40
Revises: d0dddd67ed59
Create Date: 2026-11-23 19:20:00.000000

"""
from alembic import op
import sqlalchemy as sa
import xapi.db


# revision identifiers, used by Alembic.
revision = '7e5a1c2b9d40'
down_revision = 'd0dddd67ed59'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduler_leases',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('expires_at', xapi.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases'))
    )
    op.create_table('push_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('endpoint', sa.String(length=1000), nullable=False),
    sa.Column('p256dh', sa.String(length=200), nullable=False),
    sa.Column('auth', sa.String(length=100), nullable=False),
    sa.Column('created_at', xapi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_push_subscriptions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_subscriptions')),
    sa.UniqueConstraint('endpoint', name=op.f('uq_push_subscriptions_endpoint'))
    )
    op.create_index(op.f('ix_push_subscriptions_person_id'), 'push_subscriptions', ['person_id'], unique=False)
    op.create_table('reminder_preferences',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.Boolean(), nullable=False),
    sa.Column('push', sa.Boolean(), nullable=False),
    sa.Column('sms', sa.Boolean(), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=False),
    sa.Column('quiet_end', sa.Time(), nullable=False),
    sa.Column('night_ok', sa.Boolean(), nullable=False),
    sa.Column('updated_at', xapi.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_reminder_preferences_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_reminder_preferences'))
    )
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('counts_to_cap', sa.Boolean(), nullable=False),
    sa.Column('claimed_at', xapi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=False),
    sa.Column('sent_at', xapi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('channels', sa.String(length=100), nullable=False),
    sa.Column('snoozed_until', xapi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('snooze_count', sa.Integer(), nullable=False),
    sa.Column('read_at', xapi.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_reminders_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('key', name=op.f('uq_reminders_key'))
    )
    op.create_index('ix_reminders_person_claimed', 'reminders', ['person_id', 'claimed_at'], unique=False)
    op.create_index(op.f('ix_reminders_snoozed_until'), 'reminders', ['snoozed_until'], unique=False)
    op.create_table('shift_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.Enum('day', 'evening', 'night', 'long', name='shiftkind', native_enum=False, length=20), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_shift_codes_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_codes')),
    sa.UniqueConstraint('unit_id', 'code', name=op.f('uq_shift_codes_unit_id_code'))
    )
    op.create_index(op.f('ix_shift_codes_unit_id'), 'shift_codes', ['unit_id'], unique=False)
    op.create_table('shift_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('last_synced_at', xapi.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', xapi.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(unit_id IS NULL) <> (person_id IS NULL)', name=op.f('ck_shift_feeds_one_owner')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_shift_feeds_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_shift_feeds_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_feeds'))
    )
    op.create_index(op.f('ix_shift_feeds_person_id'), 'shift_feeds', ['person_id'], unique=False)
    op.create_index(op.f('ix_shift_feeds_unit_id'), 'shift_feeds', ['unit_id'], unique=False)
    op.create_table('unit_reminder_policies',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('windows', sa.JSON(), nullable=False),
    sa.Column('weekly_cap', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_reminder_policies_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_reminder_policies'))
    )
    op.create_table('shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', xapi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', xapi.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Enum('day', 'evening', 'night', 'long', name='shiftkind', native_enum=False, length=20), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('source', sa.Enum('manual', 'csv', 'ics', name='shiftsource', native_enum=False, length=20), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=True),
    sa.Column('created_at', xapi.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_shifts_ends_after_start')),
    sa.ForeignKeyConstraint(['feed_id'], ['shift_feeds.id'], name=op.f('fk_shifts_feed_id_shift_feeds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_shifts_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts')),
    sa.UniqueConstraint('person_id', 'starts_at', name=op.f('uq_shifts_person_id_starts_at'))
    )
    op.create_index(op.f('ix_shifts_feed_id'), 'shifts', ['feed_id'], unique=False)
    op.create_index('ix_shifts_person_period', 'shifts', ['person_id', 'starts_at', 'ends_at'], unique=False)


def downgrade():
    op.drop_index('ix_shifts_person_period', table_name='shifts')
    op.drop_index(op.f('ix_shifts_feed_id'), table_name='shifts')
    op.drop_table('shifts')
    op.drop_table('unit_reminder_policies')
    op.drop_index(op.f('ix_shift_feeds_unit_id'), table_name='shift_feeds')
    op.drop_index(op.f('ix_shift_feeds_person_id'), table_name='shift_feeds')
    op.drop_table('shift_feeds')
    op.drop_index(op.f('ix_shift_codes_unit_id'), table_name='shift_codes')
    op.drop_table('shift_codes')
    op.drop_index(op.f('ix_reminders_snoozed_until'), table_name='reminders')
    op.drop_index('ix_reminders_person_claimed', table_name='reminders')
    op.drop_table('reminders')
    op.drop_table('reminder_preferences')
    op.drop_index(op.f('ix_push_subscriptions_person_id'), table_name='push_subscriptions')
    op.drop_table('push_subscriptions')
    op.drop_table('scheduler_leases')
